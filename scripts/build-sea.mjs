// Builds Portolan as one executable file for machines without Node.js, with Node's single-executable
// applications: the CLI bundled into one CommonJS script, turned into a blob, and injected into a
// copy of this node binary with postject. Usage: node scripts/build-sea.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outFlag = process.argv.indexOf('--out');
const windows = process.platform === 'win32';
const out = resolve(outFlag === -1 ? join(root, 'build', 'sea', windows ? 'portolan.exe' : 'portolan') : process.argv[outFlag + 1]);
const work = join(dirname(out), `.sea-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

try {
  const script = join(work, 'portolan.cjs');
  await build({
    entryPoints: [join(root, 'src', 'sea.ts')],
    outfile: script,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'bundle',
    define: { PORTOLAN_VERSION: JSON.stringify(version) },
    legalComments: 'none',
    minify: true,
    logLevel: 'error',
  });
  const blob = join(work, 'portolan.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

  copyFileSync(process.execPath, out);
  chmodSync(out, 0o755);
  // A signed macOS binary must lose its signature before the injection, and be signed again after.
  if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', out]);
  const { inject } = require('postject');
  await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', out]);
  process.stderr.write(`wrote ${out} (portolan ${version}, node ${process.version}, ${process.platform}-${process.arch})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

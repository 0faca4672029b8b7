// Bundles the CLI into dist/: a tiny entry that answers --version at once, and the rest in chunks.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  // The admission worker is an entry of its own: the webhook starts it as a worker thread by file.
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts', 'admission-worker': 'src/server/admission-worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  define: { PORTOLAN_VERSION: JSON.stringify(version) },
  banner: { js: "import { createRequire as __portolanRequire } from 'node:module'; const require = __portolanRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});

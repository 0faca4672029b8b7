import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempFolder } from '../helpers.ts';

// `npm run build:sea` makes one file that runs without Node.js: build it, and use it with no node on PATH.
test('the single executable runs check, who and --version with no node on PATH', { timeout: 300_000 }, (t) => {
  const folder = tempFolder();
  const out = join(folder, 'portolan');
  // The executable is a copy of node (about 100 MB): it goes when the test ends.
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs'), '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  assert.ok(statSync(out).mode & 0o100, 'executable');
  const env = { PATH: '/nonexistent', HOME: tempFolder() };
  const run = (...args: string[]) => spawnSync(out, args, { cwd: ROOT, env, encoding: 'utf8' });

  const version = run('--version');
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  const check = run('check', 'examples/homelab');
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /✖ 46 problems \(21 errors, 25 warnings\)/);
  const who = run('who', '30081', 'examples/homelab', '--json');
  assert.equal(who.status, 0, who.stderr);
  assert.deepEqual(
    JSON.parse(who.stdout).clusters.forge.map((holder: { service: string }) => holder.service).sort(),
    ['flyte-console', 'kafka'],
  );
  const broken = spawnSync(out, ['check'], { cwd: tempFolder({ 'portolan.yaml': 'version: 2\n' }), env, encoding: 'utf8' });
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /^portolan: portolan\.yaml:1:10: version must be 1/);
});

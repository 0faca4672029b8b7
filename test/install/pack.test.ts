import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SCHEMA_PATH } from '../../src/registry/schema.ts';
import { ROOT, tempFolder } from '../helpers.ts';

// Installs Portolan the way a user does: the packed tarball into an empty project, with its
// dependencies from npm's cache (or the registry), then `npx portolan check` there.

/** The environment without the variables `npm test` sets for itself, so npm acts as a user's would. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: userEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('the packed package installs into an empty project, and `npx portolan check` works there', { timeout: 300_000 }, () => {
  const packs = tempFolder();
  // dist/ is built by `npm test` before the tests run; packing must not rebuild it under them.
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packs], ROOT)) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path);
  assert.ok(files.includes('dist/cli.js'), 'the command');
  assert.ok(files.includes('schema/portolan.schema.json'), 'the schema the registry comment names');
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests');

  const project = tempFolder({ 'package.json': JSON.stringify({ name: 'ports-of-a-team', version: '1.0.0', private: true }) });
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', join(packs, packed[0]!.filename)], project);
  assert.ok(existsSync(join(project, SCHEMA_PATH)), `${SCHEMA_PATH} is where the registry comment looks`);

  writeFileSync(
    join(project, 'portolan.yaml'),
    `# yaml-language-server: $schema=${SCHEMA_PATH}\nversion: 1\nranges:\n  web: { ports: 30000-30049 }\nclusters:\n  forge: {}\nservices:\n  grafana: { range: web, port: 30001 }\n`,
  );
  const clean = spawnSync('npx', ['--no-install', 'portolan', 'check'], { cwd: project, env: userEnv(), encoding: 'utf8' });
  assert.equal(clean.status, 0, clean.stderr);
  assert.match(clean.stdout, /no problems in portolan\.yaml/);
  const version = spawnSync('npx', ['--no-install', 'portolan', '--version'], { cwd: project, env: userEnv(), encoding: 'utf8' });
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);

  writeFileSync(join(project, 'portolan.yaml'), readFileSync(join(project, 'portolan.yaml'), 'utf8').replace('port: 30001', 'port: 30100'));
  const finding = spawnSync('npx', ['--no-install', 'portolan', 'check', '--format', 'json'], { cwd: project, env: userEnv(), encoding: 'utf8' });
  assert.equal(finding.status, 1);
  assert.deepEqual(JSON.parse(finding.stdout).findings.map((f: { ruleId: string }) => f.ruleId).sort(), ['out-of-range']);
});

test('an install from a Git URL builds dist/ with `prepare` and gives a working portolan', { timeout: 300_000 }, () => {
  // The committed tree, as `npm install -g git+https://...` would fetch it.
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const project = tempFolder({ 'package.json': JSON.stringify({ name: 'ports-from-git', version: '1.0.0', private: true }) });
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', `git+file://${ROOT}#${commit}`], project);
  assert.ok(existsSync(join(project, 'node_modules', 'portolan', 'dist', 'cli.js')), 'prepare built dist/');
  writeFileSync(join(project, 'portolan.yaml'), 'version: 1\nclusters:\n  forge: {}\n');
  const run = spawnSync('npx', ['--no-install', 'portolan', 'check'], { cwd: project, env: userEnv(), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /no problems in portolan\.yaml/);
});

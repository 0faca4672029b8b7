import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { intentFileOf, writeChange } from '../../src/registry/transaction.ts';
import { read, runCli, tempFolder } from '../helpers.ts';

const REGISTRY = 'version: 1\nranges:\n  apps:\n    ports: 30100-30199\nclusters:\n  lab: {}\nservices: {}\n';

/** The pid of a process that has already ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

test('writeChange replaces every file and leaves no record or temporary file', () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'apps/web.yaml': 'old\n' });
  const registry = join(dir, 'portolan.yaml');
  writeChange(registry, new Map([[registry, `${REGISTRY}# new\n`], [join(dir, 'apps/web.yaml'), 'new\n'], [join(dir, 'PORTS.md'), '# Ports\n']]));
  assert.equal(read(registry), `${REGISTRY}# new\n`);
  assert.equal(read(join(dir, 'apps/web.yaml')), 'new\n');
  assert.equal(read(join(dir, 'PORTS.md')), '# Ports\n');
  assert.deepEqual(readdirSync(dir).sort(), ['PORTS.md', 'apps', 'portolan.yaml']);
  assert.deepEqual(readdirSync(join(dir, 'apps')), ['web.yaml']);
});

test('check reports a change whose writer died halfway, and recover finishes it', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'apps/web.yaml': 'old\n' });
  const registry = join(dir, 'portolan.yaml');
  const pid = deadPid();
  // As a writer killed after its first rename leaves it: the registry replaced, the manifest's new text still aside.
  const temporary = join(dir, 'apps', `.web.yaml.tmp-${pid}-0123abcd`);
  writeFileSync(temporary, 'new\n');
  writeFileSync(intentFileOf(registry), JSON.stringify({ state: 'committing', pid, files: [{ target: registry, temporary: join(dir, `.portolan.yaml.tmp-${pid}-89abcdef`) }, { target: join(dir, 'apps/web.yaml'), temporary }] }));
  const check = await runCli(['check'], dir);
  assert.equal(check.code, 2);
  assert.match(check.stderr, /^portolan: portolan\.yaml: a change of portolan\.yaml, apps\/web\.yaml was interrupted halfway; these files may not agree\n {2}run `portolan recover`/);
  const recover = await runCli(['recover'], dir);
  assert.equal(recover.code, 0, recover.stderr);
  assert.match(recover.stdout, /^finished the interrupted change of portolan\.yaml, apps\/web\.yaml/);
  assert.equal(read(join(dir, 'apps/web.yaml')), 'new\n');
  assert.equal(existsSync(intentFileOf(registry)), false);
  assert.equal((await runCli(['check'], dir)).code, 0);
  assert.match((await runCli(['recover'], dir)).stdout, /no interrupted change/);
});

test('a change still being written by a live process is not reported as interrupted', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const registry = join(dir, 'portolan.yaml');
  writeFileSync(intentFileOf(registry), JSON.stringify({ state: 'prepared', pid: process.pid, files: [{ target: registry, temporary: join(dir, `.portolan.yaml.tmp-${process.pid}-0123abcd`) }] }));
  assert.equal((await runCli(['check'], dir)).code, 0);
});

test('a change interrupted before its intent was complete is undone: its temporary files go, nothing is replaced', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'PORTS.md': 'old\n' });
  const registry = join(dir, 'portolan.yaml');
  const pid = deadPid();
  const temporary = join(dir, `.PORTS.md.tmp-${pid}-0123abcd`);
  writeFileSync(temporary, 'half a docu');
  writeFileSync(intentFileOf(registry), JSON.stringify({ state: 'prepared', pid, files: [{ target: join(dir, 'PORTS.md'), temporary }] }));
  assert.match((await runCli(['check'], dir)).stderr, /interrupted before any file was replaced/);
  const allocate = await runCli(['allocate', 'web', '--range', 'apps'], dir);
  assert.equal(allocate.code, 0, allocate.stderr);
  assert.match(allocate.stderr, /undid a change that was interrupted: PORTS\.md/);
  assert.equal(read(join(dir, 'PORTS.md')), 'old\n');
  assert.deepEqual(readdirSync(dir).sort(), ['PORTS.md', 'portolan.yaml']);
});

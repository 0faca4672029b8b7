import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { lockFileOf, withFileLock } from '../../src/registry/lock.ts';
import { tempFolder } from '../helpers.ts';

/** The pid of a process that has already ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

test('the lock holds the holder pid and time while work runs, and is gone after', async () => {
  const file = join(tempFolder({ 'portolan.yaml': 'version: 1\n' }), 'portolan.yaml');
  const holder = await withFileLock(file, () => JSON.parse(readFileSync(lockFileOf(file), 'utf8')));
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.host, hostname());
  assert.ok(!Number.isNaN(Date.parse(holder.since)));
  assert.equal(existsSync(lockFileOf(file)), false);
});

test('a lock left by a dead process is broken and taken over', async () => {
  const dir = tempFolder({ 'portolan.yaml': 'version: 1\n' });
  const file = join(dir, 'portolan.yaml');
  writeFileSync(lockFileOf(file), JSON.stringify({ pid: deadPid(), host: hostname(), since: '2020-01-01T00:00:00Z' }));
  const leftover = join(dir, `.portolan.yaml.tmp-${deadPid()}-abcd`);
  writeFileSync(leftover, 'half a regis');
  let waited = false;
  const result = await withFileLock(file, () => 'ran', { timeoutMs: 60_000, onWait: () => (waited = true) });
  assert.equal(result, 'ran');
  assert.equal(waited, false);
  assert.equal(existsSync(lockFileOf(file)), false);
  assert.equal(existsSync(leftover), false, 'a dead writer\'s temporary file is removed');
});

test('a lock held by a live process is waited for, then reported as an input error naming it', async () => {
  const file = join(tempFolder({ 'portolan.yaml': 'version: 1\n' }), 'portolan.yaml');
  // This test's own process is alive, so its lock is not stale.
  writeFileSync(lockFileOf(file), JSON.stringify({ pid: process.pid, host: hostname(), since: '2020-01-01T00:00:00Z' }));
  let waitedFor: number | undefined;
  await assert.rejects(
    withFileLock(file, () => 'never', { timeoutMs: 50, onWait: (holder) => (waitedFor = holder?.pid) }),
    (error: InputError) => error instanceof InputError && error.message.includes(`locked by process ${process.pid}`) && /delete .*portolan\.yaml\.lock/.test(error.hint ?? ''),
  );
  assert.equal(waitedFor, process.pid);
  assert.equal(existsSync(lockFileOf(file)), true, 'a lock that is not ours is never removed');
});

test('work that throws still releases the lock', async () => {
  const file = join(tempFolder({ 'portolan.yaml': 'version: 1\n' }), 'portolan.yaml');
  await assert.rejects(withFileLock(file, () => {
    throw new Error('boom');
  }));
  assert.equal(existsSync(lockFileOf(file)), false);
});

test('a lock path that is a folder is a clear input error, not a crash', async () => {
  const file = join(tempFolder({ 'portolan.yaml': 'version: 1\n' }), 'portolan.yaml');
  mkdirSync(lockFileOf(file));
  await assert.rejects(
    withFileLock(file, () => 'never', { timeoutMs: 50 }),
    (error: InputError) => error instanceof InputError && /lock file .*portolan\.yaml\.lock is a folder/.test(error.message) && /remove that folder/.test(error.hint ?? ''),
  );
});

test('an empty lock file (a full disk, a crash while writing it) is taken over at once', async () => {
  const file = join(tempFolder({ 'portolan.yaml': 'version: 1\n' }), 'portolan.yaml');
  writeFileSync(lockFileOf(file), '');
  let waited = false;
  // A 50 ms timeout: waiting out any grace period would fail.
  assert.equal(await withFileLock(file, () => 'ran', { timeoutMs: 50, onWait: () => (waited = true) }), 'ran');
  assert.equal(waited, false);
  assert.equal(existsSync(lockFileOf(file)), false);
});

for (const pid of [0, -1, -12345, 1.5]) {
  test(`a lock naming pid ${pid} names no live holder and is taken over`, async () => {
    const file = join(tempFolder({ 'portolan.yaml': 'version: 1\n' }), 'portolan.yaml');
    writeFileSync(lockFileOf(file), JSON.stringify({ pid, host: hostname(), since: '2020-01-01T00:00:00Z' }));
    assert.equal(await withFileLock(file, () => 'ran', { timeoutMs: 50 }), 'ran');
  });
}

test('while the lock is held its file holds the holder, whole: it is created complete, never empty', async () => {
  const dir = tempFolder({ 'portolan.yaml': 'version: 1\n' });
  const file = join(dir, 'portolan.yaml');
  const seen = await withFileLock(file, () => ({ lock: readFileSync(lockFileOf(file), 'utf8'), files: readdirSync(dir).sort() }));
  assert.equal(JSON.parse(seen.lock).pid, process.pid);
  assert.deepEqual(seen.files, ['portolan.yaml', 'portolan.yaml.lock'], 'the temporary file the lock was made from is gone');
});

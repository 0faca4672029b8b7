import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { read, tempFolder } from '../helpers.ts';
import { CLI_ARGS, startNode, type Exit } from '../allocate/processes.ts';

const REGISTRY = `version: 1
docs: PORTS.md
ranges:
  apps:
    ports: 30100-30199
clusters:
  lab: {}
services:
  grafana:
    range: apps
    port: 30100
`;

/** Runs the CLI in its own process, killed after 20 s: a read that blocks must fail the test, not hang it. */
async function cli(args: readonly string[], cwd: string): Promise<Exit> {
  const run = startNode([...CLI_ARGS, ...args], cwd);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const exit = await run.exited;
  clearTimeout(timer);
  assert.notEqual(exit.signal, 'SIGKILL', `portolan ${args.join(' ')} did not return`);
  return exit;
}

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

function assertRefused(exit: Exit, pattern: RegExp): void {
  assert.equal(exit.code, 2, exit.stderr);
  assert.match(exit.stderr, pattern);
  assert.doesNotMatch(exit.stderr, /\n\s+at /, 'a stack trace');
}

test('check /dev/zero is refused before anything is read', async () => {
  assertRefused(await cli(['check', '/dev/zero'], tempFolder()), /^portolan: \/dev\/zero is a device; only regular files are read/m);
});

test('a FIFO as the registry, the import source or the docs file is refused, and nothing waits for it', async () => {
  const dir = tempFolder({ 'PORTS.md': '# Ports\n' });
  fifo(join(dir, 'portolan.yaml'));
  assertRefused(await cli(['check'], dir), /portolan\.yaml is a named pipe \(FIFO\); only regular files are read/);
  assertRefused(await cli(['import', fifo(join(dir, 'ports.md')), '--out', '-'], dir), /ports\.md is a named pipe/);

  const docs = tempFolder({ 'portolan.yaml': REGISTRY });
  fifo(join(docs, 'PORTS.md'));
  assertRefused(await cli(['docs', '--check'], docs), /PORTS\.md is a named pipe/);
  assertRefused(await cli(['allocate', 'ledger', '--range', 'apps'], docs), /PORTS\.md is a named pipe/);
  assert.equal(read(join(docs, 'portolan.yaml')), REGISTRY, 'nothing was written');
});

test('an import source over the limit is refused by its size, before it is read', async () => {
  const dir = tempFolder();
  const huge = join(dir, 'huge.md');
  // A sparse 50 MB file: reading it would find NUL bytes; the size refuses it first.
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 50 * 1024 * 1024);
  closeSync(fd);
  assertRefused(await cli(['import', 'huge.md', '--out', '-'], dir), /^portolan: huge\.md:1:1: huge\.md is over 16 MiB; files that large are not read/m);
});

test('random bytes are refused as binary, not imported as ranges and services', async () => {
  const dir = tempFolder();
  // Random bytes without a NUL, so that only their control characters give them away.
  const bytes = Buffer.from([...randomBytes(2 * 1024 * 1024)].map((b) => b || 1));
  writeFileSync(join(dir, 'noise.md'), bytes);
  assertRefused(await cli(['import', 'noise.md', '--out', '-'], dir), /^portolan: noise\.md:\d+:\d+: noise\.md is not a text file \(\d+ control characters in 2097152 bytes\)/m);
});

test('a manifest over the limit in a scanned repository is reported by its size, and the scan goes on', async () => {
  const dir = tempFolder({ 'clusters/lab/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30100\n' });
  const fd = openSync(join(dir, 'clusters', 'lab', 'dump.yaml'), 'w');
  ftruncateSync(fd, 70 * 1024 * 1024);
  closeSync(fd);
  const exit = await cli(['scan', '.'], dir);
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /clusters\/lab\/dump\.yaml:1:1 {2}over 64 MiB; files that large are not read/);
  assert.match(exit.stdout, /30100 .* Service web/);
});

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRegistry } from '../../src/registry/load.ts';
import { commitAll, gitIn, read, tempFolder } from '../helpers.ts';
import { CLI_ARGS, startNode } from './processes.ts';

const REGISTRY = `version: 1
ranges:
  agents:
    ports: 30200-30299   # room for everybody
clusters:
  forge: {}
  studio: {}
services:
  # already there
  bruno:
    range: agents
    clusters: [studio]
    port: 30200
reserved:
  - ports: 30201
    reason: kept
`;

test('20 processes allocating at once into one registry get 20 distinct ports, and every write is kept', { timeout: 600_000 }, async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const runs = Array.from({ length: 20 }, (_, i) =>
    startNode([...CLI_ARGS, 'allocate', `agent-${i}`, '--range', 'agents', '--json', '--wait', '500'], dir).exited,
  );
  const exits = await Promise.all(runs);
  for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
  const ports = exits.map((exit) => JSON.parse(exit.stdout).ports[0].port as number);
  assert.equal(new Set(ports).size, 20, `ports: ${ports.join(', ')}`);
  // The lowest 20 free ports, whatever order the processes ran in.
  assert.deepEqual([...ports].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => 30202 + i));

  const registry = parseRegistry('portolan.yaml', read(join(dir, 'portolan.yaml')));
  const written = new Map(registry.services.map((s) => [s.name, s.ports[0]!.port]));
  for (let i = 0; i < 20; i++) assert.equal(written.get(`agent-${i}`), ports[i]);
  assert.equal(registry.services.length, 21);
  assert.match(read(join(dir, 'portolan.yaml')), /^ {2}# already there\n {2}bruno:/m);
  // No lock and no temporary file is left behind.
  assert.deepEqual(readdirSync(dir), ['portolan.yaml']);
});

test('allocations with --commit at once make one commit each, of their own change only', { timeout: 600_000 }, async () => {
  const dir = commitAll(tempFolder({ 'portolan.yaml': REGISTRY }));
  const git = (...args: string[]) => gitIn(dir, ...args);
  const exits = await Promise.all(
    Array.from({ length: 5 }, (_, i) => startNode([...CLI_ARGS, 'allocate', `agent-${i}`, '--range', 'agents', '--commit', '--json', '--wait', '500'], dir).exited),
  );
  for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
  const commits = exits.map((exit) => JSON.parse(exit.stdout).commit as string);
  assert.equal(new Set(commits).size, 5);
  assert.equal(git('rev-list', '--count', 'HEAD'), '6');
  for (const [i, commit] of commits.entries()) {
    const port = JSON.parse(exits[i]!.stdout).ports[0].port as number;
    const added = git('show', '--format=', '--unified=0', commit).split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++'));
    assert.deepEqual(added, [`+  agent-${i}:`, '+    range: agents', `+    port: ${port}`]);
  }
  assert.equal(git('status', '--porcelain'), '');
});

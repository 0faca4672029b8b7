import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { parseRegistry } from '../../src/registry/load.ts';
import { read, tempFolder } from '../helpers.ts';
import { CLI_ARGS, LIBRARY, startNode } from './processes.ts';

const REGISTRY = `# A registry that a writer keeps changing while it is killed.
version: 1
ranges:
  big:
    ports: 20000-29999
clusters:
  # Its API server's NodePort range holds the range: allocate gives no node port outside it.
  only: { nodePortRange: 20000-32767 }
services:
  first:
    range: big
    port: 20000
`;

// Allocates one port after another, saying after each write how many it has made.
const WRITER = `
const { main } = await import(${JSON.stringify(LIBRARY)});
const tag = process.argv[2];
const quiet = { stdout: () => {}, stderr: (text) => process.stderr.write(text), color: false, cwd: process.cwd() };
for (let i = 1; ; i++) {
  const code = await main(['allocate', tag + '-' + i, '--range', 'big', '--wait', '300'], quiet);
  if (code !== 0) process.exit(code);
  process.stdout.write('wrote ' + i + '\\n');
}
`;

function writes(tag: string, text: string): number {
  return parseRegistry('portolan.yaml', text).services.filter((s) => s.name.startsWith(`${tag}-`)).length;
}

test('a writer killed at random moments leaves the old or the new registry, never a torn or empty one', { timeout: 900_000 }, async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY, 'writer.mjs': WRITER });
  const file = join(dir, 'portolan.yaml');
  const rounds = 25;
  for (let round = 0; round < rounds; round++) {
    const tag = `w${round}`;
    const writer = startNode(['writer.mjs', tag], dir);
    // Let it reach its loop (so it is mostly inside lock-read-write), then kill it at a random moment.
    while (!writer.output().includes('wrote 1\n') && writer.child.exitCode === null) await sleep(5);
    await sleep(Math.random() * 150);
    writer.child.kill('SIGKILL');
    const exit = await writer.exited;
    assert.equal(exit.signal, 'SIGKILL', `round ${round} ended by itself: ${exit.stderr}`);
    const reported = (exit.stdout.match(/^wrote \d+$/gm) ?? []).length;
    const text = read(file);
    assert.notEqual(text.trim(), '', `round ${round}: the registry is empty`);
    // It parses as a whole registry: the last reported version, or the one being written when killed.
    const found = writes(tag, text);
    assert.ok(found === reported || found === reported + 1, `round ${round}: ${found} writes on disk, ${reported} reported`);
    assert.ok(text.startsWith(REGISTRY.slice(0, REGISTRY.indexOf('services:'))), `round ${round}: the head of the file changed`);
  }
  // The next command recovers the lock of the killed writer and cleans its temporary files.
  const last = await startNode([...CLI_ARGS, 'allocate', 'after-the-crashes', '--range', 'big', '--wait', '300'], dir).exited;
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['portolan.yaml', 'writer.mjs']);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRegistry } from '../../src/registry/load.ts';
import { runCli, tempFolder } from '../helpers.ts';
import { CLI_ARGS, startNode } from '../allocate/processes.ts';
import { REGISTRY } from './served.ts';

test('token add prints the token once and keeps only its SHA-256; a second token of that name is refused', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const added = await runCli(['token', 'add', 'ci', '--scope', 'write'], dir);
  assert.equal(added.code, 0, added.stderr);
  const token = added.stdout.trim();
  assert.match(token, /^ptl_[\w-]{43}$/);
  assert.match(added.stderr, /added write token ci to portolan-tokens\.json; it is shown only this once/);
  const file = readFileSync(join(dir, 'portolan-tokens.json'), 'utf8');
  assert.ok(!file.includes(token), 'the secret is not stored');
  assert.match(file, /"sha256": "[0-9a-f]{64}"/);
  const again = await runCli(['token', 'add', 'ci', '--scope', 'read'], dir);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already has a token named ci/);
  const scope = await runCli(['token', 'add', 'x', '--scope', 'admin'], dir);
  assert.equal(scope.code, 2);
  assert.match(scope.stderr, /Allowed choices are read, write/);
});

test('serve --listen with a bad address, or a --rate that is no rate, is a usage error', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const run = await runCli(['serve', '--listen', 'localhost'], dir);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--listen "localhost" is not HOST:PORT; give one such as 127.0.0.1:7420/);
  const rate = await runCli(['serve', '--rate', '0'], dir);
  assert.equal(rate.code, 2);
  assert.match(rate.stderr, /--rate "0" is not a number of requests a second/);
});

test('portolan serve answers over loopback, takes a write with a token, and stops cleanly on SIGTERM with the write kept', { timeout: 120_000 }, async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const token = (await runCli(['token', 'add', 'ci', '--scope', 'write'], dir)).stdout.trim();
  const server = startNode([...CLI_ARGS, 'serve', '--listen', '127.0.0.1:0'], dir);
  let base = '';
  for (let i = 0; i < 600 && !base; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    base = /serving portolan\.yaml on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.errors())?.[1] ?? '';
  }
  assert.ok(base, 'the server said where it listens');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const writes = Array.from({ length: 5 }, (_, i) =>
    fetch(`${base}/v1/allocations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ service: `agent-${i}`, range: 'agents' }) }),
  );
  const first = await writes[0]!;
  server.child.kill('SIGTERM');
  const answers = [first, ...(await Promise.allSettled(writes.slice(1))).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
  const exit = await server.exited;
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stderr, /portolan: stopped/);
  const registry = parseRegistry('portolan.yaml', readFileSync(join(dir, 'portolan.yaml'), 'utf8'));
  // Every write that was answered 201 is in the file, and the file is whole.
  for (const answer of answers.filter((a) => a.status === 201)) {
    const body = (await answer.json()) as { service: string };
    assert.ok(registry.services.some((s) => s.name === body.service), `${body.service} kept`);
  }
  assert.ok(answers.some((a) => a.status === 201));
});


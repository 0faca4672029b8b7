import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { addToken } from '../../src/engine/tokens.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { tempFolder } from '../helpers.ts';
import { CLI_ARGS, startNode } from '../allocate/processes.ts';
import { REGISTRY } from './served.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

test('three servers, each with its own clone of one bare repository, take 50 concurrent allocations: no port twice, every one in the remote history', { timeout: 600_000 }, async () => {
  const root = tempFolder();
  const bare = join(root, 'registry.git');
  const seed = join(root, 'seed');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  mkdirSync(seed);
  git(seed, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(seed, 'portolan.yaml'), REGISTRY.replace('30200-30299', '30200-30389').replace('30290-30299', '30390-30399'));
  git(seed, '-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'add', '.');
  git(seed, '-c', 'user.name=seed', '-c', 'user.email=seed@example.com', 'commit', '--quiet', '-m', 'the registry');
  git(seed, 'push', '--quiet', bare, 'main');

  const tokens = join(root, 'tokens.json');
  const token = addToken(tokens, { name: 'ci', scope: 'write' }).token;
  const servers = [0, 1, 2].map((i) => {
    const clone = join(root, `server-${i}`);
    git(root, 'clone', '--quiet', bare, clone);
    git(clone, 'config', 'user.name', `portolan-${i}`);
    git(clone, 'config', 'user.email', `portolan-${i}@example.com`);
    return { clone, process: startNode([...CLI_ARGS, 'serve', '--push', '--tokens', tokens, '--listen', '127.0.0.1:0'], clone) };
  });
  try {
    const bases: string[] = [];
    for (const server of servers) {
      let base: string | undefined;
      for (let i = 0; i < 600 && !base; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.process.errors())?.[1];
      }
      assert.ok(base, server.process.errors());
      bases.push(base);
    }
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await fetch(`${bases[i % 3]}/v1/allocations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ service: `svc-${i}`, range: 'agents', clusters: ['studio'] }) });
        return { status: response.status, body: (await response.json()) as { ports?: { port: number }[]; commit?: string; detail?: string } };
      }),
    );
    for (const answer of answers) assert.equal(answer.status, 201, answer.body.detail);
    const ports = answers.map((a) => a.body.ports![0]!.port);
    assert.equal(new Set(ports).size, 50, `ports given: ${ports.join(', ')}`);

    const check = join(root, 'check');
    git(root, 'clone', '--quiet', bare, check);
    const registry = parseRegistry('portolan.yaml', git(check, 'show', 'HEAD:portolan.yaml'));
    for (let i = 0; i < 50; i++) {
      const service = registry.services.find((s) => s.name === `svc-${i}`);
      assert.ok(service, `svc-${i} is in the remote's registry`);
      assert.equal(service.ports[0]!.port, ports[i]);
    }
    // Every answered commit is in the remote's history: one commit per allocation.
    const history = git(check, 'log', '--format=%H %s').split('\n');
    for (const answer of answers) assert.ok(history.some((line) => line.startsWith(answer.body.commit!)), `commit ${answer.body.commit} is in the remote`);
    assert.equal(history.filter((line) => / allocate svc-\d+ /.test(line)).length, 50);
  } finally {
    for (const server of servers) server.process.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.process.exited));
  }
});

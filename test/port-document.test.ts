import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRegistry } from '../src/engine/check.ts';
import { portPlan } from '../src/engine/queries.ts';
import { loadRegistry } from '../src/registry/load.ts';
import { portDocument } from '../src/reporters/port-document.ts';
import { importPortDocument } from '../src/sources/port-doc/index.ts';
import { read, ROOT, runCli, tempFolder } from './helpers.ts';

// The bundled example's port document is generated from its registry; this keeps it current.
test('examples/homelab/PORTS.md is what `portolan docs` gives for its registry', async () => {
  const run = await runCli(['docs', 'examples/homelab', '--check']);
  assert.equal(run.code, 0, `${run.stdout}${run.stderr}\nrun: node dist/cli.js docs examples/homelab --write`);
});

const REGISTRY = `version: 1
docs: PORTS.md
notes:
  - Use the same port in every cluster.
ranges:
  web:
    ports: 30000-30009
    description: Web front ends
clusters:
  forge:
    title: Forge
    crossClusterUrl: "http://{service}.{namespace}.svc.forge.remote:{port}"
  studio:
    production: true
services:
  grafana:
    range: web
    namespace: observability
    port: 30001
  loki:
    range: web
    clusters: [forge]
    ports:
      http: { port: 30002, notes: Queries }
      grpc: { port: 30001, protocol: UDP }
reserved:
  - ports: 30009
    reason: health checks
`;

test('docs renders ranges with how full they are, services per cluster, rules, addresses and findings', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const run = await runCli(['docs'], dir);
  assert.equal(run.code, 0, run.stderr);
  const doc = run.stdout;
  // 30001 and 30002 held, 30009 reserved: 3 of 10 used, 30000 is the next free port.
  assert.match(doc, /^\| `web` \| 30000-30009 \| Web front ends \| 3 \/ 10 \| 30000 \|$/m);
  assert.match(doc, /^#### All clusters$/m);
  assert.match(doc, /^#### Forge cluster$/m);
  assert.match(doc, /^\| `grafana` \| 30001 \| TCP \| NodePort \| observability \| active \| \| `port-conflict`/m);
  assert.match(doc, /^\| \| grpc: 30001 \| UDP \|/m);
  assert.match(doc, /^\| \| http: 30002 \| TCP \| \| \| \| Queries \|/m);
  assert.match(doc, /^\| 30009 \| all \| health checks \|$/m);
  assert.match(doc, /^1\. Use the same port in every cluster\.$/m);
  assert.match(doc, /^http:\/\/grafana\.observability\.svc\.forge\.remote:30001 {2}# grafana$/m);
  assert.match(doc, /^# no namespace in the registry, so no address: loki$/m);
  assert.match(doc, /^\| error \| `port-conflict` \| forge \|/m);
  assert.doesNotMatch(doc, /Last updated/);
});

test('docs is deterministic, and prints a date only when asked', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const first = await runCli(['docs'], dir);
  const second = await runCli(['docs', 'portolan.yaml'], dir);
  assert.equal(first.stdout, second.stdout);
  const registry = loadRegistry(join(dir, 'portolan.yaml'), { cwd: dir });
  assert.equal(portDocument(portPlan(registry, checkRegistry(registry))), first.stdout);
  const dated = await runCli(['docs', '--date', '2025-11-07'], dir);
  assert.match(dated.stdout, /^> Last updated: 2025-11-07$/m);
  const today = await runCli(['docs', '--date'], dir);
  assert.match(today.stdout, /^> Last updated: \d{4}-\d{2}-\d{2}$/m);
});

test('docs --write writes the file the registry names; --check passes, then fails with a diff once the registry changes', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY });
  const missing = await runCli(['docs', '--check'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /PORTS\.md does not exist/);

  const write = await runCli(['docs', '--write'], dir);
  assert.equal(write.code, 0, write.stderr);
  assert.equal(read(join(dir, 'PORTS.md')), (await runCli(['docs'], dir)).stdout);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0);
  writeFileSync(join(dir, 'PORTS.md'), read(join(dir, 'PORTS.md')).replace(/\n/g, '\r\n'));
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0, 'Windows line ends are the same document');

  writeFileSync(join(dir, 'portolan.yaml'), REGISTRY.replace('port: 30001\n', 'port: 30003\n'));
  const stale = await runCli(['docs', '--check'], dir);
  assert.equal(stale.code, 1);
  assert.match(stale.stdout, /^--- PORTS\.md \(on disk\)$/m);
  assert.match(stale.stdout, /^-\| `grafana` \| 30001 /m);
  assert.match(stale.stdout, /^\+\| `grafana` \| 30003 /m);
  assert.match(stale.stderr, /PORTS\.md is stale/);

  // A hand edit inside a generated region is caught the same way; text outside the markers is the team's.
  const other = tempFolder({ 'portolan.yaml': REGISTRY });
  await runCli(['docs', '--write', 'OTHER.md'], other);
  writeFileSync(join(other, 'OTHER.md'), `${read(join(other, 'OTHER.md'))}\nA line written by hand.\n`);
  const prose = await runCli(['docs', '--check', 'OTHER.md'], other);
  assert.equal(prose.code, 0, prose.stdout);
  writeFileSync(join(other, 'OTHER.md'), read(join(other, 'OTHER.md')).replace('| health checks |', '| kept for health checks |'));
  const edited = await runCli(['docs', '--check', 'OTHER.md'], other);
  assert.equal(edited.code, 1);
  assert.match(edited.stdout, /^-\| 30009 \| all \| kept for health checks \|$/m);
  assert.doesNotMatch(edited.stdout, /^[-+]A line written by hand/m);
});

test('docs refuses --write with --check, and --write without a file when the registry names none', async () => {
  const dir = tempFolder({ 'portolan.yaml': REGISTRY.replace('docs: PORTS.md\n', '') });
  const both = await runCli(['docs', '--write', 'A.md', '--check', 'A.md'], dir);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--write or --check/);
  const unnamed = await runCli(['docs', '--write'], dir);
  assert.equal(unnamed.code, 2);
  assert.match(unnamed.stderr, /needs FILE/);
  assert.equal(existsSync(join(dir, 'PORTS.md')), false);
});

test('the bundled document imports back into the example registry', () => {
  const registry = loadRegistry(join(ROOT, 'examples/homelab/portolan.yaml'), { cwd: ROOT });
  const imported = importPortDocument('PORTS.md', readFileSync(join(ROOT, 'examples/homelab/PORTS.md'), 'utf8'));
  assert.deepEqual(imported.unplaced, []);
  assert.deepEqual(Object.keys(imported.registry.services ?? {}).sort(), registry.services.map((s) => s.name).sort());
});

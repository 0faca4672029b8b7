import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { SCHEMA_PATH } from '../../src/registry/schema.ts';
import { ROOT, fixture, read, runCli, tempFolder } from '../helpers.ts';

// Each of these was a mistake found by trying the commands as a new user would.

const REGISTRY = `version: 1
ranges:
  platform: { ports: 30000-30049 }
  agents: { ports: 30050-30079 }
clusters:
  forge: {}
  pro: {}
services:
  headlamp: { range: platform, port: 30001 }
  agent-auditor:
    range: agents
    ports:
      api: 30050
      health: { port: 30052, overrides: { pro: 30053 } }
rules:
  dynamic-band: off
`;

/** A stack trace's frames, which a user's mistake must never print. */
const STACK = /\n\s+at |EISDIR|ENOENT/;

describe('mistakes found when tried', () => {
  it('docs --check . names the folder instead of throwing EISDIR', async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    for (const flag of ['--check', '--write']) {
      const run = await runCli(['docs', flag, '.'], dir);
      assert.equal(run.code, 2, flag);
      assert.match(run.stderr, /^portolan: .+: is a folder, not a file\n  give the document's file, such as PORTS\.md\n$/, flag);
      assert.doesNotMatch(run.stderr, STACK);
    }
  });

  it("allocate --port 40000 refuses a port outside the cluster's NodePort range, and writes nothing", async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const run = await runCli(['allocate', 'foo', '--port', '40000'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^portolan: portolan\.yaml:6:3: port 40000 is outside the NodePort range of cluster forge \(30000-32767\)/);
    assert.match(run.stderr, /--exposure ClusterIP/);
    assert.equal(read(join(dir, 'portolan.yaml')), REGISTRY);
    // A ClusterIP port is no node port, and may lie anywhere.
    const clusterIp = await runCli(['allocate', 'foo', '--port', '40000', '--exposure', 'ClusterIP'], dir);
    assert.equal(clusterIp.code, 0, clusterIp.stderr);
    assert.equal((await runCli(['check'], dir)).code, 0);
  });

  it('reserve of the same span twice writes one reservation', async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const first = await runCli(['reserve', '30040-30049', '--reason', 'kept for the GPU scheduler'], dir);
    assert.equal(first.code, 0, first.stderr);
    const once = read(join(dir, 'portolan.yaml'));
    const second = await runCli(['reserve', '30040-30049', '--reason', 'kept again', '--json'], dir);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(read(join(dir, 'portolan.yaml')), once);
    assert.equal(once.match(/30040-30049/g)?.length, 1);
    const outcome = JSON.parse(second.stdout);
    assert.equal(outcome.alreadyReserved, true);
    assert.equal(outcome.reason, 'kept for the GPU scheduler');
    assert.deepEqual(outcome.files, []);
    // Another cluster set is another reservation.
    const pro = await runCli(['reserve', '30040-30049', '--cluster', 'pro', '--reason', 'pro only'], dir);
    assert.equal(pro.code, 0, pro.stderr);
    assert.equal(read(join(dir, 'portolan.yaml')).match(/30040-30049/g)?.length, 2);
  });

  it("move follows per-cluster overrides: the port moves everywhere and the override goes", async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const run = await runCli(['move', 'agent-auditor', '--port-name', 'health', '--to', '30060'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^agent-auditor health 30052 \(30053 in pro\) -> 30060$/m);
    const after = read(join(dir, 'portolan.yaml'));
    assert.match(after, /health: \{ port: 30060 \}/);
    assert.doesNotMatch(after, /overrides|30053/);
    const ports = JSON.parse((await runCli(['ports', '--service', 'agent-auditor', '--json'], dir)).stdout).allocations;
    assert.deepEqual(
      ports.filter((p: { portName: string }) => p.portName === 'health').map((p: { cluster: string; port: number }) => `${p.cluster} ${p.port}`),
      ['forge 30060', 'pro 30060'],
    );
  });

  it('move --to the base port still settles the cluster that had an override, instead of "stays at"', async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const run = await runCli(['move', 'agent-auditor', '--port-name', 'health', '--to', '30052', '--json'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).ports[0].overrides, [{ cluster: 'pro', from: 30053 }]);
    assert.doesNotMatch(read(join(dir, 'portolan.yaml')), /overrides/);
    assert.equal(JSON.parse((await runCli(['check', '--json'], dir)).stdout).findings.length, 0);
  });

  it('clusters: prod (a string) says what would be right', async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY.replace('headlamp: { range: platform, port: 30001 }', 'headlamp: { range: platform, clusters: prod, port: 30001 }') });
    const run = await runCli(['check'], dir);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'portolan: portolan.yaml:9:42: services.headlamp.clusters is "prod"; it must be a list of cluster names or all\n  a list is written [prod]\n');
  });

  it('check --repo FILE says it is a file, not that there is no such folder', async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const run = await runCli(['check', '--repo', 'portolan.yaml'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^portolan: portolan\.yaml: is a file, not a folder\n/);
  });

  it("hints name only the command's own flags", async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY });
    const move = await runCli(['move', 'headlamp', '--to', '30050'], dir);
    assert.equal(move.code, 2);
    assert.match(move.stderr, /port 30050 is taken: agent-auditor\/api holds 30050/);
    assert.match(move.stderr, /--next/);
    const reserve = await runCli(['reserve', '30001', '--reason', 'x'], dir);
    assert.equal(reserve.code, 2);
    for (const run of [move, reserve]) assert.doesNotMatch(run.stderr, /--port\b/);
    const allocate = await runCli(['allocate', 'foo', '--port', '30050'], dir);
    assert.match(allocate.stderr, /drop --port/);
  });

  it('every registry Portolan writes names the schema one way, and that way is the README\'s', async () => {
    const line = `# yaml-language-server: $schema=${SCHEMA_PATH}`;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(`\`\`\`yaml\n${line}\n`), 'README registry block');
    const dir = tempFolder({ 'ports.md': read(fixture('port-doc', 'tables-only.md')) });
    const imported = await runCli(['import', 'ports.md', '--out', '-'], dir);
    assert.equal(imported.stdout.split('\n')[0], line);
    const scanned = await runCli(['scan', 'examples/gitops', '--format', 'registry']);
    assert.equal(scanned.stdout.split('\n')[0], line);
    // From a clone, the examples name the schema file by its relative path, and it is there.
    for (const example of ['examples/homelab/portolan.yaml', 'examples/gitops/portolan.yaml']) {
      const first = readFileSync(join(ROOT, example), 'utf8').split('\n')[0]!;
      const path = /^# yaml-language-server: \$schema=(\.\.?\/\S+)$/.exec(first)?.[1];
      assert.ok(path, `${example}: ${first}`);
      assert.ok(existsSync(resolve(dirname(join(ROOT, example)), path)), `${example} -> ${path}`);
    }
  });
});

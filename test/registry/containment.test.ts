import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitAll, gitIn, read, runCli, tempFolder } from '../helpers.ts';

// A team's repository: the registry in platform/, a Service, and a file outside the repository
// that a hostile or careless `docs:` tries to reach.
const REGISTRY = (docs: string) => `version: 1
docs: ${docs}
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

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: ledger
spec:
  type: NodePort
  ports:
    - port: 8080
      nodePort: 30999
`;

const VICTIM = 'root:x:0:0:root:/root:/bin/bash\nsecret-token=hunter2\n';

/** A folder holding `repo/` (the registry's folder, not in Git) and `outside/victim.txt` beside it. */
function layout(docs: string, extra: Record<string, string> = {}): { top: string; repo: string; victim: string } {
  const top = tempFolder({ 'outside/victim.txt': VICTIM, 'outside/service.yaml': SERVICE, 'repo/portolan.yaml': REGISTRY(docs), 'repo/apps/ledger.yaml': SERVICE, ...extra });
  return { top, repo: join(top, 'repo'), victim: join(top, 'outside', 'victim.txt') };
}

for (const [how, docs] of [
  ['a relative path', '../outside/victim.txt'],
  ['an absolute path', '@VICTIM@'],
] as const) {
  test(`docs: naming ${how} outside the repository is refused by allocate, docs --write and docs --check`, async () => {
    const { repo, victim } = layout('PLACEHOLDER');
    writeFileSync(join(repo, 'portolan.yaml'), REGISTRY(docs.replace('@VICTIM@', victim)));
    const registry = read(join(repo, 'portolan.yaml'));
    for (const args of [['allocate', 'ledger', '--range', 'apps'], ['docs', '--write'], ['docs', '--check']]) {
      const run = await runCli(args, repo);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^portolan: portolan\.yaml:2:7: docs .*victim\.txt leaves the repository/m, args.join(' '));
      assert.match(run.stderr, /--allow-outside-repo/);
      assert.doesNotMatch(run.stdout + run.stderr, /hunter2/, `${args.join(' ')} showed the outside file`);
      assert.equal(read(victim), VICTIM, `${args.join(' ')} wrote outside the repository`);
      assert.equal(read(join(repo, 'portolan.yaml')), registry);
    }
  });
}

test('docs: reaching outside through a symlink is refused; a symlink that stays inside is followed', async () => {
  const { repo, victim } = layout('PORTS.md');
  symlinkSync(victim, join(repo, 'PORTS.md'));
  const run = await runCli(['allocate', 'ledger', '--range', 'apps'], repo);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /docs PORTS\.md leads outside the repository .* through a symlink/);
  assert.equal(read(victim), VICTIM);

  const inside = layout('PORTS.md', { 'repo/docs/ports.md': 'old\n<!-- portolan:begin services -->\n<!-- portolan:end -->\n' });
  symlinkSync(join('docs', 'ports.md'), join(inside.repo, 'PORTS.md'));
  const ok = await runCli(['allocate', 'ledger', '--range', 'apps'], inside.repo);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(lstatSync(join(inside.repo, 'PORTS.md')).isSymbolicLink(), 'the link stays a link');
  assert.match(read(join(inside.repo, 'docs', 'ports.md')), /ledger/);
});

test('--allow-outside-repo on the command line lets the document lie outside', async () => {
  const { top, repo, victim } = layout('../outside/PORTS.md');
  const run = await runCli(['docs', '--write', '--allow-outside-repo'], repo);
  assert.equal(run.code, 0, run.stderr);
  assert.match(read(join(top, 'outside', 'PORTS.md')), /^# Port plan/);
  assert.equal(read(victim), VICTIM);
});

test('inside Git, the repository is the work tree: docs: ../PORTS.md from a subfolder is fine, and outside it is not', async () => {
  const top = tempFolder({ 'repo/platform/portolan.yaml': REGISTRY('../PORTS.md'), 'victim.txt': VICTIM });
  const repo = join(top, 'repo');
  execFileSync('git', ['init', '--quiet', repo]);
  const run = await runCli(['docs', '--write'], join(repo, 'platform'));
  assert.equal(run.code, 0, run.stderr);
  assert.match(read(join(repo, 'PORTS.md')), /^# Port plan/);
  writeFileSync(join(repo, 'platform', 'portolan.yaml'), REGISTRY('../../victim.txt'));
  const refused = await runCli(['docs', '--write'], join(repo, 'platform'));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /docs \.\.\/\.\.\/victim\.txt leaves the repository/);
  assert.equal(read(join(top, 'victim.txt')), VICTIM);
});

test('a --manifest outside the repository is refused unless --allow-outside-repo is given', async () => {
  const { top, repo } = layout('PORTS.md');
  const outside = join(top, 'outside', 'service.yaml');
  const refused = await runCli(['allocate', 'ledger', '--range', 'apps', '--manifest', '../outside/service.yaml'], repo);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--manifest \.\.\/outside\/service\.yaml leaves the repository/);
  assert.equal(read(outside), SERVICE);
  assert.deepEqual(readdirSync(repo).sort(), ['apps', 'portolan.yaml']);
  const allowed = await runCli(['allocate', 'ledger', '--range', 'apps', '--manifest', '../outside/service.yaml', '--allow-outside-repo'], repo);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(read(outside), /nodePort: 30101/);
});

test('a kindConfig or a path outside the repository is a finding at its cluster, and nothing outside is read', async () => {
  const kind = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraPortMappings:\n      - containerPort: 30777\n        hostPort: 30777\n';
  const { repo } = layout('PORTS.md', { 'outside/kind.yaml': kind, 'repo/clusters/lab/app.yaml': SERVICE });
  const messages = async (cluster: string) => {
    writeFileSync(join(repo, 'portolan.yaml'), REGISTRY('PORTS.md').replace('  lab: {}', `  lab: ${cluster}`));
    const run = await runCli(['check', '--repo', '.', '--format', 'json'], repo);
    assert.ok(!run.stdout.includes('30777'), 'the outside kind config was read');
    return (JSON.parse(run.stdout).findings as { message: string }[]).map((f) => f.message);
  };
  const kindConfig = await messages('{ kindConfig: ../outside/kind.yaml }');
  assert.ok(kindConfig.some((m) => /kindConfig \.\.\/outside\/kind\.yaml leaves the repository/.test(m)), kindConfig.join('\n'));
  const paths = await messages('{ paths: [clusters/lab, ../../etc] }');
  assert.ok(paths.some((m) => /path \.\.\/\.\.\/etc leaves the repository/.test(m)), paths.join('\n'));
});

test('a symlinked registry stays a link on allocate: its target gets the change', async () => {
  const dir = tempFolder({ 'real/ports.yaml': REGISTRY('PORTS.md') });
  symlinkSync(join('real', 'ports.yaml'), join(dir, 'portolan.yaml'));
  const run = await runCli(['allocate', 'ledger', '--range', 'apps'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(lstatSync(join(dir, 'portolan.yaml')).isSymbolicLink(), 'the registry is still a symlink');
  assert.equal(readlinkSync(join(dir, 'portolan.yaml')), join('real', 'ports.yaml'));
  assert.match(read(join(dir, 'real', 'ports.yaml')), /ledger:\n {4}range: apps\n {4}port: 30101/);
  assert.deepEqual(readdirSync(join(dir, 'real')), ['ports.yaml']);
});

test('an intent record planted to move a file outside the repository is refused, and nothing moves', async () => {
  const { top, repo, victim } = layout('PORTS.md');
  const planted = join(top, 'outside', '.victim.txt.tmp-1-deadbeef');
  writeFileSync(planted, 'owned\n');
  writeFileSync(join(repo, 'portolan.yaml.intent'), JSON.stringify({ state: 'committing', pid: 1, files: [{ target: victim, temporary: planted }] }));
  for (const args of [['recover'], ['allocate', 'ledger', '--range', 'apps']]) {
    const run = await runCli(args, repo);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /outside the repository/);
    assert.equal(read(victim), VICTIM);
  }
  // A record whose temporary file is not one this program names is refused too.
  mkdirSync(join(repo, 'x'));
  writeFileSync(join(repo, 'portolan.yaml.intent'), JSON.stringify({ state: 'committing', pid: 1, files: [{ target: join(repo, 'portolan.yaml'), temporary: join(repo, 'x', 'evil') }] }));
  const run = await runCli(['recover'], repo);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /not a temporary file beside its target/);
});

test('allocate --commit through a symlinked registry commits its target', async () => {
  const dir = tempFolder({ 'real/ports.yaml': REGISTRY('PORTS.md') });
  symlinkSync(join('real', 'ports.yaml'), join(dir, 'portolan.yaml'));
  commitAll(dir);
  const git = (...args: string[]) => gitIn(dir, ...args);
  const run = await runCli(['allocate', 'ledger', '--range', 'apps', '--commit'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /committed [0-9a-f]{12}/);
  assert.deepEqual(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort(), ['PORTS.md', 'real/ports.yaml']);
  assert.equal(git('status', '--porcelain'), '', 'nothing is left uncommitted');
});

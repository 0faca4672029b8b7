import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRegistry } from '../src/registry/load.ts';
import { commitAll, gitIn, ROOT, read, runCli, tempFolder } from './helpers.ts';

const EXAMPLE = read(join(ROOT, 'examples', 'homelab', 'portolan.yaml'));
const DOCUMENT = read(join(ROOT, 'examples', 'homelab', 'PORTS.md'));

const SERVICE_MANIFEST = `# The agent's Service; the nodePort follows the registry.
apiVersion: v1
kind: ConfigMap
metadata:
  name: agent-ripley-config   # not a Service: left alone
data:
  nodePort: "1"
---
apiVersion: v1
kind: Service
metadata:
  name: agent-ripley
  namespace: agents
spec:
  type: LoadBalancer
  selector:
    app: agent-ripley
  ports:
    - name: http
      port: 80          # cluster port
      targetPort: 8080
`;

const gitRepo = (files: Record<string, string>) => commitAll(tempFolder(files));

test('allocate writes the next free port into the registry, changing only the new lines', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE });
  const run = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--cluster', 'studio', '--exposure', 'LoadBalancer', '--json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const outcome = JSON.parse(run.stdout);
  assert.deepEqual(outcome.ports, [{ name: null, port: 30200, protocol: 'TCP' }]);
  assert.deepEqual(outcome.files, ['portolan.yaml', 'PORTS.md']); // step 4: the registry names its document
  const after = read(join(dir, 'portolan.yaml'));
  const added = '  agent-ripley:\n    range: ai-agents\n    exposure: LoadBalancer\n    clusters: [studio]\n    port: 30200\n';
  assert.equal(after, EXAMPLE.replace('      mcp: 30213 # MCP protocol (IDE/CLI)\n', `      mcp: 30213 # MCP protocol (IDE/CLI)\n${added}`));
  // The same new service is not allocated twice; the next one gets the next port.
  assert.equal((await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents'], dir)).code, 2);
  const next = await runCli(['allocate', 'agent-kane', '--range', 'ai-agents', '--cluster', 'studio', '--json'], dir);
  assert.equal(JSON.parse(next.stdout).ports[0].port, 30201);
});

test('--dry-run reports the port and writes nothing', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE });
  const run = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--dry-run'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /agent-ripley: 30200 .*\n {2}would write portolan.yaml/);
  assert.equal(read(join(dir, 'portolan.yaml')), EXAMPLE);
  assert.deepEqual(readdirSync(dir), ['portolan.yaml']);
});

test('--port refuses a taken port with its holder, and a full range exits 2 naming ranges with room', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE });
  const taken = await runCli(['allocate', 'agent-ripley', '--port', '30120', '--cluster', 'studio'], dir);
  assert.equal(taken.code, 2);
  assert.match(taken.stderr, /^portolan: portolan.yaml:\d+:\d+: port 30120 is taken: agent-bruno holds 30120 in studio/);
  const full = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--static-band'], dir);
  assert.equal(full.code, 2);
  assert.match(full.stderr, /ranges with room: platform \(30000-30099\)/);
  assert.equal(read(join(dir, 'portolan.yaml')), EXAMPLE);
});

test('--manifest sets the nodePort of the matching Service port; the rest of the file stays byte-identical', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE, 'deploy/agent-ripley.yaml': SERVICE_MANIFEST });
  const run = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--cluster', 'studio', '--manifest', 'deploy/agent-ripley.yaml'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    read(join(dir, 'deploy', 'agent-ripley.yaml')),
    SERVICE_MANIFEST.replace('      port: 80          # cluster port\n', '      port: 80          # cluster port\n      nodePort: 30200\n'),
  );
  assert.match(run.stdout, /Service agent-ripley spec\.ports\[0\]\.nodePort: 30200/);
});

test('move --next settles the example conflict at 30081 by moving flyte-console into its own range', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE });
  const run = await runCli(['move', 'flyte-console', '--next', '--json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const outcome = JSON.parse(run.stdout);
  assert.deepEqual(outcome.ports, [{ name: null, from: 30081, port: 30104, protocol: 'TCP' }]);
  assert.deepEqual(outcome.conflicts, [{ service: 'kafka', portName: null, cluster: 'forge', port: 30081 }]);
  assert.equal(read(join(dir, 'portolan.yaml')), EXAMPLE.replace('    clusters: [forge]\n    port: 30081\n', '    clusters: [forge]\n    port: 30104\n'));
  const check = await runCli(['check', '--format', 'json'], dir);
  assert.ok(!JSON.parse(check.stdout).findings.some((f: { ruleId: string; port?: number }) => f.ruleId === 'port-conflict' && f.port === 30081));
});

test('release and reserve edit the registry and keep it valid', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE });
  assert.equal((await runCli(['release', 'rabbitmq', '--cluster', 'pro'], dir)).code, 0);
  assert.equal((await runCli(['release', 'cert-manager'], dir)).code, 0);
  assert.equal((await runCli(['reserve', '30290-30299', '--reason', 'future agents'], dir)).code, 0);
  const refused = await runCli(['reserve', '30210-30215', '--reason', 'x'], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /agent-auditor-service\/api holds 30210 in studio/);
  const backwards = await runCli(['reserve', '30299-30290', '--reason', 'x'], dir);
  assert.equal(backwards.code, 2);
  assert.match(backwards.stderr, /"30299-30290" runs backwards; write 30290-30299/);
  const registry = parseRegistry('portolan.yaml', read(join(dir, 'portolan.yaml')));
  assert.deepEqual(registry.services.find((s) => s.name === 'rabbitmq')?.clusters, ['studio']);
  assert.equal(registry.services.find((s) => s.name === 'cert-manager'), undefined);
  assert.deepEqual(registry.reserved.map((r) => [r.spans, r.reason]), [[[{ from: 30290, to: 30299 }], 'future agents']]);
  const free = await runCli(['allocate', 'agent-ripley', '--port', '30295'], dir);
  assert.match(free.stderr, /reserved: future agents/);
});

test('--commit makes one commit of exactly the changed files, saying what and why', async () => {
  const dir = gitRepo({ 'portolan.yaml': EXAMPLE, 'PORTS.md': DOCUMENT, 'deploy/agent-ripley.yaml': SERVICE_MANIFEST, 'notes.txt': 'draft\n' });
  writeFileSync(join(dir, 'notes.txt'), 'someone else is editing this\n');
  const run = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--cluster', 'studio', '--manifest', 'deploy/agent-ripley.yaml', '--commit', '--reason', 'the Ripley agent goes live'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(gitIn(dir, 'rev-list', '--count', 'HEAD'), '2');
  assert.deepEqual(gitIn(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), ['PORTS.md', 'deploy/agent-ripley.yaml', 'portolan.yaml']);
  assert.equal((await runCli(['docs', '--check'], dir)).code, 0, 'the committed document matches the registry');
  const message = gitIn(dir, 'log', '-1', '--format=%B');
  assert.match(message, /^allocate agent-ripley 30200 \(range ai-agents, cluster studio\)\n\nWhy: the Ripley agent goes live/);
  assert.equal(gitIn(dir, 'status', '--porcelain'), 'M notes.txt');
});

test('--commit with a dirty registry, or without git, says so and does not commit', async () => {
  const dir = gitRepo({ 'portolan.yaml': EXAMPLE });
  writeFileSync(join(dir, 'portolan.yaml'), `${EXAMPLE}# a hand edit\n`);
  const dirty = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--commit'], dir);
  // Exit 1, so that `allocate --commit && git push` pushes nothing; the file is written all the same.
  assert.equal(dirty.code, 1);
  assert.match(dirty.stderr, /not committed: portolan.yaml has uncommitted changes/);
  assert.equal(gitIn(dir, 'rev-list', '--count', 'HEAD'), '1');
  assert.match(read(join(dir, 'portolan.yaml')), /agent-ripley:/);

  const plain = tempFolder({ 'portolan.yaml': EXAMPLE });
  const noGit = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--commit', '--json'], plain);
  assert.equal(noGit.code, 1, noGit.stderr);
  const outcome = JSON.parse(noGit.stdout);
  assert.equal(outcome.commit, null);
  assert.match(outcome.notes.join('\n'), /not committed: .* is not inside a git repository/);
  assert.equal(existsSync(join(plain, '.git')), false);
});

test('each command has --help with an example', async () => {
  for (const command of ['allocate', 'move', 'release', 'reserve']) {
    const run = await runCli([command, '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, new RegExp(`Examples?:\\n {2}\\$ portolan ${command} `));
  }
});

test('the document the registry names is regenerated, exactly as `portolan docs` writes it', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE, 'PORTS.md': DOCUMENT });
  const run = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents'], dir);
  assert.equal(run.code, 0, run.stderr);
  const document = read(join(dir, 'PORTS.md'));
  assert.notEqual(document, DOCUMENT);
  assert.match(document, /agent-ripley/);
  assert.equal(document, (await runCli(['docs'], dir)).stdout);
});

test('a manifest that does not exist is an input error, and nothing is written', async () => {
  const dir = tempFolder({ 'portolan.yaml': EXAMPLE });
  const run = await runCli(['allocate', 'agent-ripley', '--range', 'ai-agents', '--manifest', 'nope.yaml'], dir);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^portolan: nope\.yaml: no such file or folder$/m);
  assert.equal(read(join(dir, 'portolan.yaml')), EXAMPLE);
  assert.deepEqual(readdirSync(dir), ['portolan.yaml']);
});

test('on a large registry, allocate, move, release and reserve change only their lines, and a port document still follows', async () => {
  // Over 256 KB: edited entry by entry and checked by the excerpt of the entries that changed.
  let services = '';
  for (let i = 0; i < 7000; i++) services += `  svc-${i}:   # entry ${i}\n    range: bulk\n    clusters: [${i % 2 ? 'forge' : 'pro'}]\n    port: ${20000 + i}\n`;
  const registry = `# A large registry\nversion: 1\nranges:\n  bulk:\n    ports: 20000-29999\nclusters:\n  forge:\n    nodePortRange: 20000-32767\n  pro:\n    nodePortRange: 20000-32767\nservices:\n${services}`;
  assert.ok(registry.length > 256 * 1024);
  const dir = tempFolder({ 'portolan.yaml': registry });
  const file = join(dir, 'portolan.yaml');
  const run = async (args: string[]) => {
    const result = await runCli(args, dir);
    assert.equal(result.code, 0, result.stderr);
  };
  await run(['allocate', 'added', '--range', 'bulk', '--cluster', 'forge']);
  let expected = `${registry}  added:\n    range: bulk\n    clusters: [forge]\n    port: 20000\n`;
  assert.equal(read(file), expected);
  await run(['move', 'svc-10', '--to', '29000']);
  expected = expected.replace('    port: 20010\n', '    port: 29000\n');
  assert.equal(read(file), expected);
  await run(['release', 'svc-11']);
  expected = expected.replace('  svc-11:   # entry 11\n    range: bulk\n    clusters: [forge]\n    port: 20011\n', '');
  assert.equal(read(file), expected);
  await run(['reserve', '29500-29509', '--reason', 'load test']);
  expected = `${expected}reserved:\n  - ports: 29500-29509\n    reason: load test\n`;
  assert.equal(read(file), expected);
  // A port given by hand, just past the reservation, lands in place too.
  await run(['allocate', 'after-reserve', '--range', 'bulk', '--cluster', 'pro', '--port', '29510']);
  assert.match(read(file), /  after-reserve:\n    range: bulk\n    clusters: \[pro\]\n    port: 29510\n/);
  assert.equal(parseRegistry('portolan.yaml', read(file)).services.length, 7001);
  // With a port document named, the whole registry is read again and the document follows the edit.
  writeFileSync(file, read(file).replace('version: 1\n', 'version: 1\ndocs: PORTS.md\n'));
  await run(['docs', '--write', 'PORTS.md']);
  await run(['move', 'svc-12', '--to', '29001']);
  assert.match(read(join(dir, 'PORTS.md')), /`svc-12` \| 29001 \|/);
});

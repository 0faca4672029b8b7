import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRegistry } from '../../src/engine/check.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { importPortDocument } from '../../src/sources/port-doc/index.ts';
import { fixture, read, runCli, tempFolder } from '../helpers.ts';
import { registryOf, shape } from './shape.ts';

// Each folder is one way teams write port documents: ports.md, the registry `portolan import`
// must write from it (portolan.yaml), and expected.json: what `check` finds on that registry
// (only what the document itself holds), the lines not placed, the free ports and examples noted,
// and the lines where listings were merged or rows left out.
const SHAPES = readdirSync(fixture('port-doc'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && readdirSync(fixture('port-doc', entry.name)).includes('expected.json'))
  .map((entry) => entry.name);

interface Expected {
  findings: string[];
  unplaced: string[];
  free: string[];
  examples: string[];
  merged: number[];
}

test('every document shape has its fixture', () => {
  assert.deepEqual(SHAPES, ['definition-lines', 'heading-entries', 'namespace-tables']);
});

for (const name of SHAPES) {
  const document = read(fixture('port-doc', name, 'ports.md'));
  const expected = JSON.parse(read(fixture('port-doc', name, 'expected.json'))) as Expected;

  test(`${name}: import writes the registry the document states, and check finds only what the document holds`, async () => {
    const dir = tempFolder({ 'ports.md': document });
    const run = await runCli(['import', 'ports.md'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(read(join(dir, 'portolan.yaml')), read(fixture('port-doc', name, 'portolan.yaml')));
    const registry = loadRegistry(join(dir, 'portolan.yaml'), { cwd: dir });
    const findings = checkRegistry(registry).findings.map((f) => `${f.ruleId}:${f.messageId}:${f.cluster ?? 'all'}:${f.service ?? ''}:${f.port ?? ''}`);
    assert.deepEqual(findings.sort(), expected.findings);
    const imported = importPortDocument('ports.md', document);
    assert.deepEqual(imported.unplaced.map((u) => `${u.line}:${u.column}`), expected.unplaced);
    assert.deepEqual(imported.free.map((f) => `${f.line}: ${f.note}`), expected.free);
    assert.deepEqual(imported.examples.map((e) => `${e.line}-${e.end}: ${e.what}`), expected.examples);
    assert.deepEqual(imported.decisions.filter((d) => /merged|left out/.test(d.message)).map((d) => d.line), expected.merged);
    // No service is made of a Kubernetes example's keys or of a row that says the port is free.
    assert.equal(Object.keys(imported.registry.services ?? {}).some((service) => /^(port|targetport|nodeport|available|free|replicas)$/.test(service)), false);
  });

  test(`${name}: docs --write --adopt keeps every line of the team's prose, byte for byte, and reads back the same`, async () => {
    const dir = tempFolder({ 'ports.md': document });
    assert.equal((await runCli(['import', 'ports.md'], dir)).code, 0);
    const refused = await runCli(['docs', '--write'], dir);
    assert.equal(refused.code, 2);
    assert.equal(read(join(dir, 'ports.md')), document);
    const adopt = await runCli(['docs', '--write', '--adopt'], dir);
    assert.equal(adopt.code, 0, adopt.stderr);
    const adopted = read(join(dir, 'ports.md'));
    const lines = document.split('\n');
    const { layout } = importPortDocument('ports.md', document);
    let from = 0;
    for (const part of layout.filter((p) => p.kind !== 'owned')) {
      const text = lines.slice(part.start - 1, part.end).join('\n');
      const at = adopted.indexOf(text, from);
      assert.ok(at >= 0, `lines ${part.start}-${part.end} of ${name} are kept in order:\n${text}`);
      from = at + text.length;
    }
    assert.equal((await runCli(['docs', '--check'], dir)).code, 0);
    // What the adopted document says is the registry it came from.
    const again = importPortDocument('ports.md', adopted);
    const registry = loadRegistry(join(dir, 'portolan.yaml'), { cwd: dir });
    const before = importPortDocument('ports.md', document);
    assert.deepEqual(again.settings, before.settings);
    assert.deepEqual(shape(registryOf(again.registry)), shape(registryOf(before.registry)));
    assert.equal(registry.services.length, registryOf(again.registry).services.length);
  });
}

test('check --repo says where a port the imported document listed as free is deployed', async () => {
  const service = (name: string, port: number) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: ${port}\n`;
  const dir = tempFolder({
    'ports.md': read(fixture('port-doc', 'namespace-tables', 'ports.md')),
    'repo/clusters/default/kustomization.yaml': 'resources:\n  - grafana.yaml\n  - my-app.yaml\n',
    'repo/clusters/default/grafana.yaml': service('grafana', 30300),
    'repo/clusters/default/my-app.yaml': service('my-app', 31502),
  });
  assert.equal((await runCli(['import', 'ports.md'], dir)).code, 0);
  const run = await runCli(['check', '--repo', 'repo', '--format', 'json'], dir);
  const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; port?: number; message: string; locations: { file: string }[] }[] }).findings;
  const free = findings.filter((f) => f.ruleId === 'free-port-in-use');
  assert.deepEqual(free.map((f) => f.port), [31502]);
  assert.match(free[0]!.message, /listed it as free \("Next available: 31502"\)/);
  assert.deepEqual(free[0]!.locations.map((l) => l.file), ['repo/clusters/default/my-app.yaml', 'portolan.yaml']);
});

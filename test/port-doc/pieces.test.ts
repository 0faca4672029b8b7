import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRegistry } from '../../src/registry/load.ts';
import { registryYaml } from '../../src/registry/write.ts';
import { unifiedDiff } from '../../src/reporters/line-diff.ts';
import { decodeDocument, repairEncoding } from '../../src/sources/port-doc/encoding.ts';
import { cell, cellsOf } from '../../src/sources/port-doc/markdown.ts';
import { entryOf, notAPort } from '../../src/sources/port-doc/entries.ts';
import { exampleOf } from '../../src/sources/port-doc/fenced.ts';
import { clustersIn, removedIn, saysFree, statusIn, titleAndAside } from '../../src/sources/port-doc/phrases.ts';

test('repairEncoding turns UTF-8 read as Windows-1252 back, and reports U+FFFD it cannot', () => {
  const { text, repairs } = repairEncoding('a â†’ b\nCafÃ© â€” ok\nï»¿x �');
  // A byte-order mark read as text is dropped.
  assert.equal(text, 'a → b\nCafé — ok\nx �');
  assert.deepEqual(
    repairs.map((r) => [r.line, r.column, r.spoiled, r.repaired]),
    [
      [1, 3, 'â†’', '→'],
      [2, 4, 'Ã©', 'é'],
      [2, 7, 'â€”', '—'],
      [3, 1, 'ï»¿', '\ufeff'],
      [3, 3, '\ufffd', undefined],
    ],
  );
  // Real Latin-1 letters are left alone.
  assert.deepEqual(repairEncoding('São Paulo, Zürich, Ã').repairs, []);
});

test('decodeDocument reads UTF-8, and Windows-1252 when the bytes are not UTF-8', () => {
  assert.deepEqual(decodeDocument(Buffer.from('→', 'utf8')), { text: '→', utf8: true });
  assert.deepEqual(decodeDocument(Buffer.from([0x93, 0x61, 0x94, 0xe9])), { text: '“a”é', utf8: false });
});

test('table cells keep pipes and backslashes through writing and reading', () => {
  const texts = ['a | b', 'c:\\path', 'ends with \\', ''];
  assert.deepEqual(cellsOf(`| ${texts.map(cell).join(' | ')} |`), texts);
});

test('cluster phrases in comments and headings', () => {
  assert.deepEqual(clustersIn('Forge Cluster')?.names, ['Forge']);
  assert.deepEqual(clustersIn('Knative Lambda (Pro/Studio Clusters)')?.names, ['Pro', 'Studio']);
  assert.deepEqual(clustersIn('Forge, Pro and Studio clusters')?.names, ['Forge', 'Pro', 'Studio']);
  assert.deepEqual(clustersIn('Cluster: edge')?.names, ['edge']);
  assert.equal(clustersIn('From Any Cluster to Studio')?.names, 'all');
  assert.equal(clustersIn('Use Linkerd for cross-cluster communication'), undefined);
  assert.equal(clustersIn('the same port across clusters'), undefined);
  assert.deepEqual(titleAndAside('Studio Cluster - Agent Auditor Service (Event-driven infrastructure response)', 'Studio Cluster'), {
    title: 'Agent Auditor Service',
    aside: 'Event-driven infrastructure response',
  });
});

test('unifiedDiff gives hunks with three lines of context, nothing for equal texts', () => {
  const before = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const after = before.replace('line 6\n', 'line six\n');
  assert.equal(unifiedDiff(before, before, { before: 'a', after: 'b' }), '');
  assert.equal(
    unifiedDiff(before, after, { before: 'a', after: 'b' }),
    ['--- a', '+++ b', '@@ -3,7 +3,7 @@', ' line 3', ' line 4', ' line 5', '-line 6', '+line six', ' line 7', ' line 8', ' line 9', ''].join('\n'),
  );
  assert.equal(unifiedDiff('', 'x\n', { before: 'a', after: 'b' }), '--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n');
});

test('registryYaml writes the schema comment, the keys in their order, and text the loader accepts', () => {
  const text = registryYaml(
    {
      services: { web: { clusters: ['a', 'b'], port: 30001, notes: 'a: b # c' } },
      clusters: { a: {}, b: { production: true } },
      ranges: { web: { ports: [80, '30000-30099'] } },
      version: 1,
    },
    { header: ['Written by a test.'] },
  );
  assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=node_modules/portolan/schema/portolan.schema.json');
  assert.match(text, /^# Written by a test\.$/m);
  assert.ok(text.indexOf('version:') < text.indexOf('ranges:') && text.indexOf('ranges:') < text.indexOf('clusters:') && text.indexOf('clusters:') < text.indexOf('services:'));
  assert.match(text, /^ {4}ports: \[80, 30000-30099\]$/m);
  assert.match(text, /^ {4}clusters: \[a, b\]$/m);
  const registry = parseRegistry('portolan.yaml', text);
  assert.equal(registry.services[0]!.notes, 'a: b # c');
  assert.deepEqual(registry.services[0]!.clusters, ['a', 'b']);
});

test('entryOf reads the definition lines teams write, and leaves counts and prose alone', () => {
  const entry = (line: string) => {
    const found = entryOf(line, line, 1);
    return found && { label: found.label, port: found.port, protocol: found.protocol, target: found.target, comment: found.comment };
  };
  assert.deepEqual(entry('Gitea: 30300'), { label: 'Gitea', port: 30300, protocol: undefined, target: undefined, comment: undefined });
  assert.deepEqual(entry('- Prometheus - 30090'), { label: 'Prometheus', port: 30090, protocol: undefined, target: undefined, comment: undefined });
  assert.deepEqual(entry('Syslog (30514/UDP)'), { label: 'Syslog', port: 30514, protocol: 'UDP', target: undefined, comment: undefined });
  assert.deepEqual(entry('Vault: 30820 -> https'), { label: 'Vault', port: 30820, protocol: undefined, target: 'https', comment: undefined });
  assert.deepEqual(entry('* Home Assistant: 30812/TCP → http  # the house'), { label: 'Home Assistant', port: 30812, protocol: 'TCP', target: 'http', comment: 'the house' });
  assert.equal(entry('replicas: 3'), undefined);
  assert.equal(entry('Released (2024)'), undefined);
  assert.equal(entry('Node IPs: 192.168.10.21'), undefined);
  assert.equal(entry('Step 2 - 30 minutes'), undefined);
  assert.equal(entry('Minio console: 30901, API on 30900'), undefined);
  assert.match(notAPort('- replicas: 3')!, /counts, sizes or dates/);
});

test('free markers, removal words and examples are told apart from entries', () => {
  for (const free of ['**AVAILABLE**', 'free', 'Unused', 'Next available', '`spare`']) assert.equal(saysFree(free), true, free);
  for (const taken of ['free tier', 'availability zone', 'open', 'grafana']) assert.equal(saysFree(taken), false, taken);
  assert.equal(removedIn('removed'), true);
  assert.equal(removedIn('Removed in 2023'), true);
  assert.equal(removedIn('to be removed'), false);
  assert.equal(statusIn('retired 2023'), 'legacy');
  assert.equal(exampleOf('yaml', ['apiVersion: v1', 'kind: Service']), 'a Kubernetes Service');
  assert.equal(exampleOf('', ['ports:', '  - port: 80', '    nodePort: 30080']), 'the ports of a Kubernetes object');
  assert.equal(exampleOf('console', ['$ kubectl get svc']), 'shell commands');
  assert.equal(exampleOf('yaml', ['grafana: 30040', 'loki: 30041']), undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editYaml, editYamlWithExcerpt, entryText, type YamlEdit } from '../../src/yaml/yaml-edit.ts';

// A registry with comments everywhere, odd spacing, quoting of every kind, and no newline at the end.
const REGISTRY = `# yaml-language-server: $schema=./schema.json
# The plan.

version: 1   # format version

ranges:   # purposes
  agents:
    ports: '30200-30299'    # quoted on purpose
    description: "AI agents"

clusters:
  studio: { title: Studio, production: true }   # flow style
  forge:
    title: Forge

services:
  # ---- agents ----
  bruno:           # first agent
    range: agents
    clusters: [ studio ]  # padded flow list
    port: 30200     # the API

  auditor:
    range: agents
    clusters:
      - studio
      - forge
    ports:
      api: { port: 30210, protocol: TCP }   # FastAPI
      health: 30211  # probes
    # trailing comment inside auditor

  # ---- data ----
  redis:
    range: data
    port: 30062
# comment between sections
reserved:
  - ports: 30290-30299
    reason: 'future'   # single quotes
rules:
  prefer-loadbalancer: off`;

/** REGISTRY with `from` replaced by `to` exactly once, to compare byte for byte. */
function replaced(from: string, to: string): string {
  assert.equal(REGISTRY.split(from).length, 2, `"${from}" occurs once`);
  return REGISTRY.replace(from, to);
}

test('setting a port changes its number and nothing else on the line or in the file', () => {
  const edited = editYaml(REGISTRY, [{ op: 'set', path: ['services', 'bruno', 'port'], value: 30201 }]);
  assert.equal(edited, replaced('    port: 30200     # the API', '    port: 30201     # the API'));
});

test('a port written as a mapping inside a flow collection keeps its braces and comment', () => {
  const edited = editYaml(REGISTRY, [{ op: 'set', path: ['services', 'auditor', 'ports', 'api', 'port'], value: 30220 }]);
  assert.equal(edited, replaced('api: { port: 30210, protocol: TCP }', 'api: { port: 30220, protocol: TCP }'));
});

test('a new service goes after a named sibling, indented like it, with blank lines and comments kept', () => {
  const edited = editYaml(REGISTRY, [
    { op: 'set', path: ['services', 'ripley'], value: { range: 'agents', clusters: ['studio'], port: 30201 }, after: 'auditor' },
  ]);
  assert.equal(
    edited,
    replaced(
      '    # trailing comment inside auditor\n',
      '    # trailing comment inside auditor\n  ripley:\n    range: agents\n    clusters: [studio]\n    port: 30201\n',
    ),
  );
});

test('a new service with named ports, added at the end of services', () => {
  const edited = editYaml(REGISTRY, [{ op: 'set', path: ['services', 'mcp'], value: { range: 'agents', ports: { api: 30230, events: { port: 30231, protocol: 'UDP' } } } }]);
  assert.equal(
    edited,
    replaced('    port: 30062\n', '    port: 30062\n  mcp:\n    range: agents\n    ports:\n      api: 30230\n      events:\n        port: 30231\n        protocol: UDP\n'),
  );
});

test('deleting a service removes its lines only; the comment above the group stays', () => {
  const edited = editYaml(REGISTRY, [{ op: 'delete', path: ['services', 'bruno'] }]);
  assert.equal(edited, replaced('  bruno:           # first agent\n    range: agents\n    clusters: [ studio ]  # padded flow list\n    port: 30200     # the API\n', ''));
});

test('a block list loses one item; a flow list is rewritten on its line', () => {
  assert.equal(editYaml(REGISTRY, [{ op: 'delete', path: ['services', 'auditor', 'clusters', 1] }]), replaced('      - studio\n      - forge\n', '      - studio\n'));
  assert.equal(
    editYaml(REGISTRY, [{ op: 'set', path: ['services', 'bruno', 'clusters'], value: ['studio', 'forge'] }]),
    replaced('clusters: [ studio ]  # padded', 'clusters: [studio, forge]  # padded'),
  );
});

test('appending to reserved, and to a file without a final newline', () => {
  const edited = editYaml(REGISTRY, [{ op: 'append', path: ['reserved'], value: { ports: 30280, reason: 'kept: for later' } }]);
  assert.equal(edited, replaced("    reason: 'future'   # single quotes\n", "    reason: 'future'   # single quotes\n  - ports: 30280\n    reason: \"kept: for later\"\n"));
  const noReserved = 'version: 1\nservices: {}';
  assert.equal(editYaml(noReserved, [{ op: 'append', path: ['reserved'], value: { ports: 1, reason: 'x' } }]), 'version: 1\nservices: {}\nreserved:\n  - ports: 1\n    reason: x\n');
});

test('several edits at once each touch their own lines', () => {
  const edited = editYaml(REGISTRY, [
    { op: 'set', path: ['services', 'bruno', 'port'], value: 30201 },
    { op: 'set', path: ['services', 'auditor', 'ports', 'health'], value: 30212 },
    { op: 'delete', path: ['services', 'redis'] },
  ]);
  const expected = REGISTRY.replace('port: 30200     # the API', 'port: 30201     # the API')
    .replace('health: 30211  # probes', 'health: 30212  # probes')
    .replace('  redis:\n    range: data\n    port: 30062\n', '');
  assert.equal(edited, expected);
});

test('a key added to a flow mapping rewrites that mapping only', () => {
  const edited = editYaml(REGISTRY, [{ op: 'set', path: ['clusters', 'studio', 'nodePortRange'], value: '30000-30999' }]);
  assert.equal(edited, replaced('{ title: Studio, production: true }', '{ title: Studio, production: true, nodePortRange: 30000-30999 }'));
});

test('an edit a splice cannot express still gives the intended value', () => {
  const text = 'version: 1\nservices:\n  only:\n    port: 1\n';
  const edited = editYaml(text, [{ op: 'delete', path: ['services', 'only'] }]);
  assert.match(edited, /^version: 1\nservices: \{\}\n$/);
});

test('the second document of a file is edited, the first left alone', () => {
  const text = 'a: 1 # one\n---\n# two\nb: 2   # two\n';
  assert.equal(editYaml(text, [{ op: 'set', path: ['b'], value: 3 }], 1), 'a: 1 # one\n---\n# two\nb: 3   # two\n');
});

test('a large file is edited entry by entry, with the same byte-exact result', () => {
  let entries = '';
  for (let i = 0; i < 6000; i++) entries += `  svc-${i}:   # entry ${i}\n    range: agents\n    port: ${20000 + i}\n${i % 100 === 99 ? '\n  # next hundred\n' : ''}`;
  const big = REGISTRY.replace('  # ---- data ----\n', `${entries}  # ---- data ----\n`);
  assert.ok(big.length > 256 * 1024);
  const once = (from: string, to: string) => {
    assert.equal(big.split(from).length, 2, `"${from}" occurs once`);
    return big.replace(from, to);
  };
  assert.equal(editYaml(big, [{ op: 'set', path: ['services', 'svc-4321', 'port'], value: 1 }]), once('    port: 24321\n', '    port: 1\n'));
  assert.equal(editYaml(big, [{ op: 'delete', path: ['services', 'svc-99'] }]), once('  svc-99:   # entry 99\n    range: agents\n    port: 20099\n', ''));
  assert.equal(
    editYaml(big, [{ op: 'set', path: ['services', 'new'], value: { port: 2 }, after: 'svc-199' }]),
    once('    port: 20199\n', '    port: 20199\n  new:\n    port: 2\n'),
  );
  assert.equal(editYaml(big, [{ op: 'set', path: ['services', 'last'], value: { port: 3 } }]), once('    port: 30062\n', '    port: 30062\n  last:\n    port: 3\n'));
  assert.equal(
    editYaml(big, [{ op: 'append', path: ['reserved'], value: { ports: 5, reason: 'r' } }]),
    once("    reason: 'future'   # single quotes\n", "    reason: 'future'   # single quotes\n  - ports: 5\n    reason: r\n"),
  );
  assert.equal(editYaml(big, [{ op: 'set', path: ['docs'], value: 'PORTS.md' }]), `${big}\ndocs: PORTS.md\n`);
});

/** A registry of `count` services, over 256 KB from about 6,000 on. */
function bigRegistry(count: number, extra = ''): string {
  let entries = '';
  for (let i = 0; i < count; i++) entries += `  svc-${i}:\n    range: agents\n    port: ${20000 + i}\n`;
  return `version: 1\nranges:\n  agents:\n    ports: 20000-39999\nservices:\n${entries}${extra}reserved:\n  - ports: 1\n    reason: r\n`;
}

test('a large file edited entry by entry comes with an excerpt of only the edited entries', () => {
  const big = bigRegistry(7000);
  const { text, excerpt } = editYamlWithExcerpt(big, [
    { op: 'set', path: ['services', 'svc-10', 'port'], value: 1 },
    { op: 'delete', path: ['services', 'svc-20'] },
    { op: 'set', path: ['services', 'added'], value: { range: 'agents', port: 2 }, after: 'svc-30' },
  ]);
  assert.equal(text, editYaml(big, [{ op: 'set', path: ['services', 'svc-10', 'port'], value: 1 }, { op: 'delete', path: ['services', 'svc-20'] }, { op: 'set', path: ['services', 'added'], value: { range: 'agents', port: 2 }, after: 'svc-30' }]));
  assert.ok(text.includes('  svc-10:\n    range: agents\n    port: 1\n') && !text.includes('svc-20:') && text.includes('    port: 20030\n  added:\n    range: agents\n    port: 2\n'));
  assert.equal(
    excerpt,
    'version: 1\nranges:\n  agents:\n    ports: 20000-39999\nservices:\n  svc-10:\n    range: agents\n    port: 1\n  svc-30:\n    range: agents\n    port: 20030\n  added:\n    range: agents\n    port: 2\nreserved:\n  - ports: 1\n    reason: r\n',
  );
  // A top-level key named to be left out goes when no edit touches it.
  assert.equal(
    editYamlWithExcerpt(big, [{ op: 'append', path: ['reserved'], value: { ports: 2, reason: 's' } }], { leaveOut: ['services'] }).excerpt,
    'version: 1\nranges:\n  agents:\n    ports: 20000-39999\nreserved:\n  - ports: 1\n    reason: r\n  - ports: 2\n    reason: s\n',
  );
  assert.match(editYamlWithExcerpt(big, [{ op: 'append', path: ['reserved'], value: { ports: 2, reason: 's' } }]).excerpt!, /svc-6999:/);
  // Cutting entries only leaves the block out of the excerpt: nothing in it is new.
  assert.equal(editYamlWithExcerpt(big, [{ op: 'delete', path: ['services', 'svc-5'] }]).excerpt, 'version: 1\nranges:\n  agents:\n    ports: 20000-39999\nreserved:\n  - ports: 1\n    reason: r\n');
});

test('a large file whose edited entry is anchored, or which repeats a top-level key, is edited whole', () => {
  const anchored = bigRegistry(7000, '  base: &base\n    range: agents\n    port: 40000\n  copy: *base\n');
  const edited = editYamlWithExcerpt(anchored, [{ op: 'set', path: ['services', 'base', 'port'], value: 40001 }]);
  assert.equal(edited.excerpt, undefined);
  assert.ok(edited.text.includes('  base: &base\n    range: agents\n    port: 40001\n  copy: *base\n'));
  // js-yaml refuses the repeated key; the whole-file path says so rather than editing one of them.
  const twice = `${bigRegistry(7000)}services:\n  other:\n    port: 3\n`;
  assert.equal(topLevelBlocksRefused(twice), true);
});

/** Whether a file with a repeated top-level key is refused by the entry path (and so edited, or refused, whole). */
function topLevelBlocksRefused(text: string): boolean {
  try {
    return editYamlWithExcerpt(text, [{ op: 'set', path: ['services', 'svc-1', 'port'], value: 9 }]).excerpt === undefined;
  } catch {
    return true;
  }
}

test('an entry of a large file is read on its own', () => {
  const big = bigRegistry(7000);
  assert.equal(entryText(big, 'services', 'svc-6999'), '  svc-6999:\n    range: agents\n    port: 26999\n');
  assert.equal(entryText(big, 'services', 'missing'), undefined);
  assert.equal(entryText('a: 1\n---\nb: 2\n', 'b', 'c'), undefined);
});

test('edits one after another, each on the text the last returned, give the same text as each made afresh', () => {
  // A registry as a team keeps it: comments between entries and inside them, named ports with
  // overrides, flow lists, blank lines; small enough that only byEntries edits it entry by entry.
  const services = Array.from({ length: 120 }, (_, i) => {
    const head = i % 10 === 0 ? `  # --- team ${i / 10} ---\n` : '';
    const body = i % 3 === 0
      ? `    range: agents\n    clusters: [studio, forge]\n    ports:\n      api: ${30200 + i}\n      metrics:   # scraped\n        port: ${30400 + i}\n        overrides: { forge: ${30600 + i} }\n`
      : `    range: agents   # the usual\n    port: ${30200 + i}\n`;
    return `${head}  svc-${i}:\n${body}${i % 7 === 0 ? '\n' : ''}`;
  }).join('');
  const start = `version: 1\nranges:\n  agents:\n    ports: 30200-30999\nclusters:\n  studio: {}\n  forge: {}\nservices:\n${services}reserved:\n  - ports: 30999\n    reason: kept\n`;
  const steps: YamlEdit[][] = [
    [{ op: 'set', path: ['services', 'new-a'], value: { range: 'agents', port: 30900 }, after: 'svc-30' }],
    [{ op: 'set', path: ['services', 'new-b'], value: { range: 'agents', clusters: ['forge'], port: 30901 }, after: 'new-a' }],
    [{ op: 'set', path: ['services', 'svc-31', 'port'], value: 30902 }],
    [{ op: 'delete', path: ['services', 'svc-40'] }],
    [{ op: 'set', path: ['services', 'svc-60', 'clusters'], value: ['studio'] }],
    [{ op: 'delete', path: ['services', 'svc-60', 'ports', 'metrics', 'overrides'] }],
    [{ op: 'set', path: ['services', 'new-c'], value: { range: 'agents', ports: { api: 30903, ui: 30904 } }, after: 'svc-119' }],
    [{ op: 'set', path: ['services', 'svc-0', 'port'], value: 30905 }],
    [{ op: 'append', path: ['reserved'], value: { ports: 30998, reason: 'also kept' } }],
    [{ op: 'set', path: ['services', 'new-d'], value: { range: 'agents', port: 30906 }, after: 'new-c' }],
  ];
  let kept = start;
  let fresh = start;
  for (const [i, edits] of steps.entries()) {
    const next = editYamlWithExcerpt(kept, edits, { byEntries: true });
    // Another file edited in between: the next edit of `fresh` finds its entries from its whole text.
    editYamlWithExcerpt('version: 1\nservices:\n  a:\n    port: 1\n  b:\n    port: 2\n', [{ op: 'set', path: ['services', 'a', 'port'], value: 3 }], { byEntries: true });
    const again = editYamlWithExcerpt(fresh.slice(0), edits, { byEntries: true });
    assert.ok(next.excerpt !== undefined, `step ${i} was edited entry by entry`);
    assert.equal(next.text, again.text, `step ${i}`);
    assert.equal(next.excerpt, again.excerpt, `step ${i}`);
    kept = next.text;
    fresh = again.text;
  }
  assert.match(kept, /        overrides: \{ forge: 30630 \}\n  new-a:\n    range: agents\n    port: 30900\n  new-b:\n/);
  assert.doesNotMatch(kept, /svc-40:/);
});

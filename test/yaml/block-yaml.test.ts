import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { stringify } from 'yaml';
import { readBlockYaml } from '../../src/yaml/block-yaml.ts';
import { YamlSource, type YamlPath } from '../../src/yaml/yaml-source.ts';

const CORE = jsYaml.CORE_SCHEMA.extend([(jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge]);

/** Every path to a value inside `value`. */
function paths(value: unknown, prefix: (string | number)[] = []): YamlPath[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

/** The fast reader, where it answers, must agree with js-yaml on values and on every position. */
function agrees(text: string): 'fast' | 'fallback' {
  const block = readBlockYaml(text);
  if (!block) return 'fallback';
  assert.deepEqual(block.value, jsYaml.load(text, { schema: CORE }), text);
  const fast = YamlSource.parse('f.yaml', text);
  const slow = YamlSource.parse('f.yaml', text, { fast: false });
  for (const path of paths(block.value)) {
    for (const part of ['value', 'key'] as const) {
      assert.deepEqual(fast.locate(path, part), slow.locate(path, part), `${part} of ${JSON.stringify(path)} in\n${text}`);
    }
  }
  return 'fast';
}

const scalar = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }),
  fc.constantFrom('30100-30199', 'TCP', 'true', 'false', 'null', '~', 'yes', 'on', '0x1F', '.inf', '1e3', '1_000', '0123', '2025-11-07', "it's", 'a: b', 'C# svc', 'x #y', '-bad', '- x', '', ' lead', 'trail ', '"q"', "'s'", '[x]', '{y}', 'a, b', 'tab\there', 'new\nline', '&a', '*a', '!t', '|', '>'),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true }),
);
const key = fc.oneof(fc.constantFrom('vllm', 'ai-ml', 'port', 'Forge', '30100', 'true', 'a b', 'x.y', 'agent(1)', '"q"', ''), fc.string({ maxLength: 6 }));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  list: fc.array(tie('node'), { maxLength: 3 }),
})).map;

describe('the fast block YAML reader', () => {
  it('answers as js-yaml does, values and positions, wherever it answers', () => {
    const outcomes = { fast: 0, fallback: 0 };
    fc.assert(
      fc.property(tree, fc.constantFrom(0, 1, 2, 3), fc.constantFrom(2, 4), (value, flowLevel, indent) => {
        const text = stringify(value, { flowCollectionPadding: flowLevel % 2 === 0, indent, indentSeq: flowLevel < 2, ...(flowLevel === 3 ? { collectionStyle: 'flow' } : {}) });
        outcomes[agrees(text)]++;
      }),
      { numRuns: 600 },
    );
    // Both paths must be exercised. About 65 of 600 runs take the fast path (sd about 8), so 15 is
    // six deviations below the mean: a real regression trips it, chance does not.
    assert.ok(outcomes.fast >= 15 && outcomes.fallback >= 15, JSON.stringify(outcomes));
  });

  it('reads a file of several documents as js-yaml does, each document on its own', () => {
    const outcomes = { fast: 0, fallback: 0 };
    const plain = fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'ports'), fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom('v1', 'Service', 'NodePort', 'a b'), fc.dictionary(fc.constantFrom('name', 'nodePort', 'port'), fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom('web', 'TCP'))), fc.array(fc.dictionary(fc.constantFrom('name', 'nodePort'), fc.integer({ min: 0, max: 65535 }), { minKeys: 1 }), { maxLength: 2 })), { minKeys: 1, maxKeys: 4 });
    const documents = fc.array(fc.oneof(plain, fc.dictionary(key, tree, { minKeys: 1, maxKeys: 3 })), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(documents, fc.constantFrom('---\n', '--- # next\n', '---   \n'), fc.boolean(), (values, separator, leading) => {
        const pieces = values.map((value) => stringify(value, { flowCollectionPadding: false }));
        const text = `${leading ? '# rendered\n---\n' : ''}${pieces.join(separator)}`;
        const fast = YamlSource.parseAll('f.yaml', text);
        const slow = YamlSource.parseAll('f.yaml', text, { fast: false });
        assert.deepEqual(fast.map((d) => d.value), jsYaml.loadAll(text, undefined, { schema: CORE }), text);
        fast.forEach((document, i) => {
          for (const path of paths(document.value)) {
            for (const part of ['value', 'key'] as const) assert.deepEqual(document.locate(path, part), slow[i]!.locate(path, part), `${part} of ${JSON.stringify(path)} in document ${i} of\n${text}`);
          }
        });
        outcomes[pieces.every((piece) => readBlockYaml(piece)) ? 'fast' : 'fallback']++;
      }),
      { numRuns: 300 },
    );
    // About 60 of 300 runs are all fast (sd about 7); 15 is six deviations below.
    assert.ok(outcomes.fast >= 15, JSON.stringify(outcomes));
  });

  it('reads a registry in its usual shapes', () => {
    const text = [
      '# yaml-language-server: $schema=../schema.json',
      'version: 1',
      'ranges:',
      '  ai-ml: { ports: 30100-30199, description: "AI/ML (VLLM, Ollama)" }',
      '  ingress:',
      '    ports: [80, 443]   # HTTP, HTTPS',
      'clusters:',
      '  forge: {}',
      'services:',
      '  agent-auditor:',
      '    clusters:',
      '    - studio',
      '    -   pro',
      '    notes: Legacy - being replaced',
      '    ports:',
      "      api: 30210 # FastAPI",
      "      health: { port: 30211, protocol: 'UDP' }",
      'reserved:',
      '  - ports: 30105-30106',
      '    reason: kept',
      '  -',
      '    ports: 1',
      '    reason: x',
      '',
    ].join('\n');
    assert.equal(agrees(text), 'fast');
  });

  it('places keys that are array indexes, which objects list first, where they are written', () => {
    // Port names and overrides may be numbers in quotes; `Object.keys` puts those first, in numeric order.
    const text = ['services:', '  web:', '    ports:', '      http: 30080', '      "8443": 30443', "      '2': 30002", '      admin: { "10": 1, a: 2, "3": 4 }', ''].join('\n');
    assert.equal(agrees(text), 'fast');
    const source = YamlSource.parse('f.yaml', text);
    assert.deepEqual(
      ['http', '8443', '2', 'admin'].map((key) => source.locate(['services', 'web', 'ports', key], 'key').line),
      [4, 5, 6, 7],
    );
    assert.deepEqual(['10', 'a', '3'].map((key) => source.locate(['services', 'web', 'ports', 'admin', key], 'key').column), [16, 25, 31]);
  });

  it('leaves what it does not read to js-yaml', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: |\n  text\n', 'a: "esc\\n"\n', 'a: 1.5\n', 'a: b\n  c\n', 'a: 1\na: 2\n', '---\na: 1\n', 'a:\r\n  b: 1\r\n', 'a: [1,\n  2]\n', '- a\n', 'a: !t x\n', 'a: 0x10\n']) {
      assert.equal(readBlockYaml(text), undefined, text);
    }
  });
});

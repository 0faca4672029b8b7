import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { InputError, InputErrors } from '../../src/core/errors.ts';
import { checkRegistry } from '../../src/engine/check.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { ruleIds } from '../../src/rules/index.ts';

const name = fc.constantFrom('forge', 'studio', 'pro', 'ai-ml', 'vllm', 'kafka', 'Forge', 'x', '', 'a b', '-bad');
const port = fc.oneof(fc.integer({ min: 30000, max: 30999 }), fc.integer({ min: -5, max: 70000 }), fc.constant('30100'), fc.double());
const span = fc.oneof(fc.constantFrom('30000-30099', '30199-30100', '80', 'x-y', '1-70000'), port, fc.array(port, { maxLength: 3 }));
const anything = fc.anything({ maxDepth: 2 });

const service = fc.record(
  {
    range: fc.oneof(name, anything),
    clusters: fc.oneof(fc.constant('all'), fc.array(name, { maxLength: 3 }), anything),
    port: fc.oneof(port, fc.record({ port, protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'TPC'), overrides: fc.dictionary(name, port, { maxKeys: 2 }) }, { requiredKeys: ['port'] })),
    ports: fc.dictionary(name, port, { maxKeys: 3 }),
    exposure: fc.constantFrom('NodePort', 'LoadBalancer', 'ClusterIP', 'nodeport'),
    status: fc.constantFrom('active', 'legacy', 'reserved', 'gone'),
    rnage: name,
  },
  { requiredKeys: [] },
);

const registry = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.constant(2), anything),
    ranges: fc.dictionary(name, fc.record({ ports: span, description: fc.string() }, { requiredKeys: ['ports'] }), { maxKeys: 4 }),
    clusters: fc.dictionary(name, fc.record({ production: fc.boolean(), nodePortRange: span }, { requiredKeys: [] }), { maxKeys: 3 }),
    services: fc.dictionary(name, service, { maxKeys: 6 }),
    reserved: fc.array(fc.record({ ports: span, reason: fc.string(), clusters: fc.array(name, { maxLength: 2 }) }, { requiredKeys: ['ports'] }), { maxLength: 2 }),
    rules: fc.dictionary(fc.constantFrom(...ruleIds, 'no-such-rule'), fc.constantFrom('off', 'error', 'warning', 'info', 'loud')),
  },
  { requiredKeys: ['version'] },
);

const goodName = fc.constantFrom('forge', 'studio', 'pro', 'ai-ml', 'vllm', 'kafka', 'grafana');
const goodPort = fc.integer({ min: 30000, max: 30999 });
const goodRegistry = fc.record({
  version: fc.constant(1),
  ranges: fc.dictionary(goodName, fc.record({ ports: fc.constantFrom('30000-30099', '30100-30199', '30050-30150', 30500) })),
  clusters: fc.dictionary(goodName, fc.record({ production: fc.boolean() }, { requiredKeys: [] })),
  services: fc.dictionary(
    goodName,
    fc.record(
      {
        range: goodName,
        clusters: fc.oneof(fc.constant('all' as const), fc.array(goodName, { minLength: 1, maxLength: 3 })),
        port: fc.oneof(goodPort, fc.record({ port: goodPort, protocol: fc.constantFrom('TCP', 'UDP'), overrides: fc.dictionary(goodName, goodPort, { maxKeys: 2 }) })),
        exposure: fc.constantFrom('NodePort', 'LoadBalancer', 'ClusterIP'),
      },
      { requiredKeys: ['port'] },
    ),
    { maxKeys: 6 },
  ),
});

/** A text edit: replace a slice of the text with another string, as a careless hand would. */
const edit = fc.record({ at: fc.nat(), length: fc.nat({ max: 8 }), insert: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(':', '- ', '&a ', '*a', '\t', '{', ']', '\n  ', '"', '#')) });

/** Loads the text; passes when it loads and checks, or fails with located input errors only. */
function loadsOrExplains(text: string): 'loaded' | 'explained' {
  const lines = text.split('\n').length;
  try {
    const loaded = parseRegistry('portolan.yaml', text, { ruleIds });
    checkRegistry(loaded);
    return 'loaded';
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : error instanceof InputError ? [error] : undefined;
    if (!errors) throw error;
    assert.ok(errors.length > 0);
    for (const e of errors) {
      assert.ok(e.message.length > 0);
      assert.ok(e.at, `"${e.message}" has a location`);
      assert.ok(e.at.line >= 1 && e.at.line <= lines + 1, `line ${e.at.line} of ${lines}`);
      assert.ok(e.at.column >= 1, `column ${e.at.column}`);
    }
    return 'explained';
  }
}

describe('the loader, fed random and mutated registries', () => {
  it('either loads (and checks) or returns located input errors', () => {
    const outcomes = { loaded: 0, explained: 0 };
    fc.assert(fc.property(fc.oneof(registry, goodRegistry), (document) => void outcomes[loadsOrExplains(stringify(document))]++), { numRuns: 400 });
    // Both paths must be exercised, or the property says nothing.
    assert.ok(outcomes.loaded > 10 && outcomes.explained > 10, JSON.stringify(outcomes));
  });

  it('survives careless edits to the text', () => {
    fc.assert(
      fc.property(fc.oneof(registry, goodRegistry), fc.array(edit, { minLength: 1, maxLength: 4 }), (document, edits) => {
        let text = stringify(document);
        for (const { at, length, insert } of edits) {
          const from = text.length === 0 ? 0 : at % text.length;
          text = text.slice(0, from) + insert + text.slice(from + length);
        }
        loadsOrExplains(text);
      }),
      { numRuns: 400 },
    );
  });
});

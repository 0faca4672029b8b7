import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { RegistrySchema } from '../../src/registry/schema.ts';
import { servicesFitSchema } from '../../src/registry/services-fit.ts';
import { parseRegistry } from '../../src/registry/load.ts';

const compiled = TypeCompiler.Compile(RegistrySchema.properties.services);

// Each field's right values, and the wrong ones a person writes: a generated service is right,
// then at most one of its fields (or a port's, or an ignore's) is made wrong.
const NAMES = ['vllm', 'ai-ml', 'a', '0', 'x1', 'a'.repeat(63)];
const BAD_NAMES = ['Vllm', '-x', 'x-', 'a_b', '', 'a'.repeat(64), 1, null];
const PORTS = [1, 80, 30100, 65535];
const BAD_PORTS = [0, 65536, -1, 1.5, '30100', null, true];
const TEXTS = ['Flyte Console', ''];
const BAD_TEXTS = [1, null, ['x'], {}];
const CLUSTERS = ['all', ['forge'], ['forge', 'studio']];
const BAD_CLUSTERS = ['forge', [], [1], ['forge', null], null];

/** A right value from `good`, or, when `wrong`, one from `bad`. */
const pick = (good: unknown[], bad: unknown[]) => ({ good: fc.constantFrom(...good), bad: fc.constantFrom(...bad) });
const portMappingFields = {
  servicePort: pick(PORTS, BAD_PORTS),
  protocol: pick(['TCP', 'UDP', 'SCTP'], ['tcp', 1, null]),
  overrides: { good: fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...PORTS), { maxKeys: 2 }), bad: fc.oneof(fc.constantFrom([], 'forge', null), fc.dictionary(fc.constantFrom(...(BAD_NAMES.filter((n) => typeof n === 'string') as string[])), fc.constantFrom(...PORTS), { minKeys: 1, maxKeys: 1 }), fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...BAD_PORTS), { minKeys: 1, maxKeys: 1 })) },
  notes: pick(TEXTS, BAD_TEXTS),
};
const ignoreFields = { rule: pick(['port-conflict'], ['', 1, null]), reason: pick(['accepted'], ['', 1]), clusters: pick([['forge']], BAD_CLUSTERS) };

/** A mapping of `fields`, each present or not, the required ones always; with at most one field wrong or one key unknown. */
function mapping(fields: Record<string, { good: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> }>, required: string[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const good = fc.record(Object.fromEntries(keys.map((key) => [key, fields[key]!.good])), { requiredKeys: required });
  const fault = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...keys).chain((key) => fields[key]!.bad.map((value) => [key, value] as const)),
    fc.constantFrom(['typo', 'x'] as const, ['__proto__', 1] as const),
    fc.constantFrom(...keys).map((key) => ['drop', key] as const),
  );
  return fc.tuple(good, fault).map(([value, change]) => {
    if (!change) return value;
    if (change[0] === 'drop') {
      const { [change[1] as string]: _, ...rest } = value;
      return rest;
    }
    return Object.defineProperty({ ...value }, change[0], { value: change[1], enumerable: true, writable: true, configurable: true });
  });
}

const portMapping = mapping({ port: pick(PORTS, BAD_PORTS), ...portMappingFields }, ['port']);
const portEntry = fc.oneof(fc.constantFrom(...PORTS), portMapping);
const badPortEntry = fc.oneof(fc.constantFrom(...BAD_PORTS, [], 'x'), portMapping);
const service = mapping(
  {
    title: pick(TEXTS, BAD_TEXTS),
    kubernetesName: pick(NAMES, BAD_NAMES),
    range: pick(['team-00'], BAD_TEXTS),
    namespace: pick(NAMES, BAD_NAMES),
    exposure: pick(['ClusterIP', 'NodePort', 'LoadBalancer'], ['nodeport', 1, null]),
    clusters: pick(CLUSTERS, BAD_CLUSTERS),
    port: { good: portEntry, bad: badPortEntry },
    ports: { good: fc.dictionary(fc.constantFrom(...NAMES), portEntry, { maxKeys: 3 }), bad: fc.oneof(fc.constantFrom([], 30100, null), fc.dictionary(fc.constantFrom('API', '-x'), portEntry, { minKeys: 1, maxKeys: 1 }), fc.dictionary(fc.constantFrom(...NAMES), badPortEntry, { minKeys: 1, maxKeys: 1 })) },
    status: pick(['active', 'legacy', 'reserved'], ['retired', 1]),
    replacedBy: pick(['vllm'], BAD_TEXTS),
    owner: pick(TEXTS, BAD_TEXTS),
    notes: pick(TEXTS, BAD_TEXTS),
    ignore: { good: fc.array(mapping(ignoreFields, ['rule', 'reason']), { maxLength: 2 }), bad: fc.oneof(fc.constantFrom({}, 'x', null), fc.array(mapping(ignoreFields, ['rule', 'reason']), { minLength: 1, maxLength: 2 })) },
  },
  [],
);
const services = fc.oneof(
  { weight: 9, arbitrary: fc.dictionary(fc.constantFrom(...NAMES), service, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('Vllm', '-x', ''), service, { minKeys: 1, maxKeys: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 'services', 1, { vllm: null }, { vllm: 30100 }, { vllm: [] }) },
);

describe('the services check written for large registries', () => {
  it('answers exactly as the compiled schema does', () => {
    const outcomes = { fit: 0, misfit: 0 };
    fc.assert(
      fc.property(services, (services) => {
        const expected = compiled.Check(services);
        assert.equal(servicesFitSchema(services), expected, JSON.stringify(services));
        outcomes[expected ? 'fit' : 'misfit']++;
      }),
      { numRuns: 3000 },
    );
    // Both answers must be exercised, or the check could say yes (or no) to everything.
    assert.ok(outcomes.fit >= 100 && outcomes.misfit >= 100, JSON.stringify(outcomes));
  });

  it('leaves the messages to the schema: a wrong service is told at its place', () => {
    const text = 'version: 1\nclusters:\n  forge: {}\nservices:\n  vllm:\n    clusters: [forge]\n    port: 30100\n  web:\n    exposure: nodeport\n    port: 30101\n';
    assert.throws(
      () => parseRegistry('portolan.yaml', text),
      (error: Error & { errors?: { message: string; at?: { line: number; column: number } }[] }) => {
        const problem = error.errors?.[0];
        assert.match(problem!.message, /services\.web\.exposure/);
        assert.deepEqual([problem!.at?.line, problem!.at?.column], [9, 15]);
        return true;
      },
    );
  });
});

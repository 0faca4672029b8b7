import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../src/core/types.ts';
import { checkRegistry } from '../../src/engine/check.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { ruleIds } from '../../src/rules/index.ts';
import { scanRepo } from '../../src/sources/gitops-repo/index.ts';
import { fixture, ROOT } from '../helpers.ts';

// The repository half of the rule fixtures: a case folder that holds `repo/` is checked with that
// repository scanned beside its portolan.yaml. expected.json lists the case's findings of that rule
// ([{ messageId, cluster?, port?, line?, data? }], line of the first location); clean-* cases expect none.

/** The rules that read a repository; each needs a doc page and flagged and clean cases with a repo. */
const DRIFT_RULES = [
  'hostport-collision',
  'hostport-offset',
  'invalid-service',
  'kind-stale-mapping',
  'kind-unmapped-nodeport',
  'not-deployed',
  'port-mismatch',
  'unparsable-file',
  'unregistered-port',
];

interface Expected {
  messageId: string;
  cluster?: string;
  port?: number;
  line?: number;
  data?: Record<string, string | number>;
}

function repoCases(ruleId: string): string[] {
  const dir = fixture('rules', ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'repo')));
}

function findings(ruleId: string, caseName: string): Finding[] {
  const dir = fixture('rules', ruleId, caseName);
  const registry = loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir });
  const observed = scanRepo('repo', { registry, cwd: dir });
  return checkRegistry(registry, { observed }).findings.filter((f) => f.ruleId === ruleId);
}

function shape(finding: Finding, expected: Expected): Expected {
  const actual: Expected = { messageId: finding.messageId };
  if (expected.cluster !== undefined && finding.cluster !== undefined) actual.cluster = finding.cluster;
  if (expected.port !== undefined && finding.port !== undefined) actual.port = finding.port;
  if (expected.line !== undefined) actual.line = finding.locations[0]!.line;
  if (expected.data !== undefined) actual.data = Object.fromEntries(Object.keys(expected.data).map((key) => [key, finding.data[key]!]));
  return actual;
}

for (const ruleId of DRIFT_RULES) {
  test(`${ruleId} has a doc page, flagged and clean repository cases`, () => {
    assert.ok(ruleIds.includes(ruleId), `${ruleId} is not registered`);
    const doc = join(ROOT, 'docs', 'rules', `${ruleId}.md`);
    assert.ok(existsSync(doc), `docs/rules/${ruleId}.md is missing`);
    assert.match(readFileSync(doc, 'utf8'), new RegExp(`^# ${ruleId}\\n`));
    const cases = repoCases(ruleId);
    assert.ok(cases.some((c) => c.startsWith('flagged-')), 'no flagged-* case');
    assert.ok(cases.some((c) => c.startsWith('clean-')), 'no clean-* case');
  });
  for (const caseName of repoCases(ruleId)) {
    test(`${ruleId}: ${caseName}`, () => {
      const expected = JSON.parse(readFileSync(fixture('rules', ruleId, caseName, 'expected.json'), 'utf8')) as Expected[];
      const found = findings(ruleId, caseName);
      if (caseName.startsWith('clean-')) {
        assert.deepEqual(found.map((f) => `${f.messageId}: ${f.message}`), []);
        return;
      }
      assert.equal(found.length, expected.length, found.map((f) => `${f.locations[0]?.line}: ${f.message}`).join('\n'));
      const unmatched = [...found];
      for (const entry of expected) {
        const index = unmatched.findIndex((f) => f.messageId === entry.messageId && (entry.line === undefined || f.locations[0]?.line === entry.line));
        assert.notEqual(index, -1, `no ${entry.messageId} finding at line ${entry.line}: ${found.map((f) => `${f.locations[0]?.line}: ${f.message}`).join('; ')}`);
        assert.deepEqual(shape(unmatched.splice(index, 1)[0]!, entry), entry);
      }
    });
  }
}

test('repository rules stay silent without a repository', () => {
  for (const ruleId of DRIFT_RULES) {
    for (const caseName of repoCases(ruleId)) {
      const dir = fixture('rules', ruleId, caseName);
      const registry = loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir });
      assert.deepEqual(checkRegistry(registry).findings.filter((f) => DRIFT_RULES.includes(f.ruleId)), [], `${ruleId}/${caseName}`);
    }
  }
});

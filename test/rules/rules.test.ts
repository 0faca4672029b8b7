import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkRegistry } from '../../src/engine/check.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { rules, ruleIds } from '../../src/rules/index.ts';
import { rulesReference } from '../../src/rules/reference.ts';
import { readLive } from '../../src/engine/live.ts';
import { scanRepo } from '../../src/sources/gitops-repo/index.ts';
import { ROOT, fixture } from '../helpers.ts';

/** One expected finding of a fixture case: the message id, and whichever fields the case pins down. */
interface Expected {
  messageId: string;
  data?: Record<string, string | number>;
  cluster?: string;
  port?: number;
  /** The file of the finding's first location, as the scan shows it. */
  file?: string;
  line?: number;
}

// Every rule has fixture cases in test/fixtures/rules/<id>/<case>/: a registry (portolan.yaml),
// and expected.json listing the findings that rule must report there, no more and no fewer.
// Cases named clean-* expect none: the traps a rule must not fall into.
for (const id of ruleIds) {
  describe(`rule ${id}`, () => {
    const folder = fixture('rules', id);
    const cases = existsSync(folder) ? readdirSync(folder).sort() : [];
    for (const name of cases) {
      it(name, async () => {
        const dir = join(folder, name);
        const registry = loadRegistry(join(dir, 'portolan.yaml'), { ruleIds, cwd: dir });
        // A case with a repo/ folder is checked with that repository scanned beside its registry.
        const observed = existsSync(join(dir, 'repo')) ? scanRepo('repo', { registry, cwd: dir }) : undefined;
        // A live/ folder holds snapshots of the live clusters (CLUSTER.json, or CLUSTER.kubectl.json for
        // plain kubectl output); a kubeconfig.yaml is read as --kubeconfig, its clusters really dialled.
        const snapshots = existsSync(join(dir, 'live'))
          ? readdirSync(join(dir, 'live')).sort().map((file) => (file.endsWith('.kubectl.json') ? `${file.split('.')[0]}=live/${file}` : `live/${file}`))
          : undefined;
        const kubeconfig = existsSync(join(dir, 'kubeconfig.yaml')) ? 'kubeconfig.yaml' : undefined;
        const live = snapshots || kubeconfig ? await readLive({ registry, cwd: dir, env: {}, timeoutMs: 5000, ...(snapshots ? { snapshots } : {}), ...(kubeconfig ? { kubeconfig } : {}) }) : undefined;
        const found = checkRegistry(registry, { rules: { [id]: rules[id]! }, ...(observed ? { observed } : {}), ...(live ? { live } : {}) }).findings;
        const expected: Expected[] = name.startsWith('clean-') ? [] : JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
        const shown = found.map((f) => `${f.locations[0]?.file}:${f.locations[0]?.line}: ${f.messageId}: ${f.message}`).join('\n');
        assert.equal(found.length, expected.length, `expected ${expected.length} finding(s), got:\n${shown}`);
        const unmatched = [...found];
        for (const want of expected) {
          const at = unmatched.findIndex(
            (got) =>
              got.messageId === want.messageId &&
              (want.cluster === undefined || got.cluster === want.cluster) &&
              (want.port === undefined || got.port === want.port) &&
              (want.file === undefined || got.locations[0]?.file === want.file) &&
              (want.line === undefined || got.locations[0]?.line === want.line) &&
              Object.entries(want.data ?? {}).every(([key, value]) => got.data[key] === value),
          );
          assert.ok(at >= 0, `no finding matches ${JSON.stringify(want)} among:\n${shown}`);
          unmatched.splice(at, 1);
        }
      });
    }
  });
}

describe('every rule', () => {
  it('is registered in sorted order, under the name of its file', () => {
    assert.deepEqual([...ruleIds], [...ruleIds].sort());
    const files = readdirSync(join(ROOT, 'src', 'rules')).filter((f) => !['index.ts', 'rule.ts', 'reference.ts'].includes(f));
    assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), [...ruleIds]);
  });

  for (const id of ruleIds) {
    it(`${id} has metadata, a doc page, a flagged case and a clean case`, () => {
      const { meta } = rules[id]!;
      assert.match(id, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(meta.description.endsWith('.'), 'description is one sentence');
      assert.ok(meta.remediation.length > 20, 'remediation says how to fix');
      assert.ok(Object.keys(meta.messages).length > 0, 'message templates');
      const doc = join(ROOT, 'docs', 'rules', `${id}.md`);
      assert.ok(existsSync(doc), `docs/rules/${id}.md`);
      assert.match(readFileSync(doc, 'utf8'), new RegExp(`^# ${id}\\n`));
      const cases = existsSync(fixture('rules', id)) ? readdirSync(fixture('rules', id)) : [];
      assert.ok(cases.some((c) => c.startsWith('flagged-')), `a flagged-* fixture in test/fixtures/rules/${id}`);
      assert.ok(cases.some((c) => c.startsWith('clean-')), `a clean-* fixture in test/fixtures/rules/${id}`);
    });
  }

  it('docs/rules/README.md is generated from the metadata and up to date (npm run docs:rules)', () => {
    assert.equal(readFileSync(join(ROOT, 'docs', 'rules', 'README.md'), 'utf8'), rulesReference());
  });
});

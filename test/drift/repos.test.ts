import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { test } from 'node:test';
import { fixture, planted, ROOT, runCli, tempFolder } from '../helpers.ts';

for (const repo of ['flux-multi', 'argocd', 'kind-hosts']) {
  test(`check --repo finds every planted mistake in ${repo} and nothing else`, async () => {
    const dir = fixture('repos', repo);
    const run = await runCli(['check', relative(ROOT, dir), '--repo', relative(ROOT, dir), '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const { findings } = JSON.parse(run.stdout) as { findings: { ruleId: string; locations: { file: string; line: number }[] }[] };
    const marks = planted(dir);
    const hit = new Set<string>();
    for (const finding of findings) {
      const matched = finding.locations.map((l) => `${l.file}:${l.line} ${finding.ruleId}`).filter((key) => marks.includes(key));
      assert.ok(matched.length > 0, `unplanted finding: ${JSON.stringify(finding)}`);
      for (const key of matched) hit.add(key);
    }
    assert.deepEqual([...hit].sort(), marks);
  });
}

test('without --repo the drift rules stay silent', async () => {
  const run = await runCli(['check', 'test/fixtures/repos/kind-hosts', '--format', 'json']);
  assert.equal(run.code, 0, run.stdout);
});

test('check --repo says so when it finds no cluster in the repository', async () => {
  const run = await runCli(['check', 'test/fixtures/repos/kind-hosts', '--repo', 'test/fixtures/repos/argocd/apps']);
  assert.match(run.stderr, /found no cluster's manifests in test\/fixtures\/repos\/argocd\/apps/);
});

test('a kindConfig that does not exist is a finding at its cluster', async () => {
  const dir = tempFolder({ 'portolan.yaml': 'version: 1\nclusters:\n  lab: { kindConfig: kind/lab.yaml }\nservices: {}\n', 'clusters/lab/x.yaml': 'kind: ConfigMap\n' });
  const run = await runCli(['check', '--repo', '.', '--format', 'json'], dir);
  const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; message: string; locations: { line: number }[] }[] }).findings;
  assert.deepEqual(findings.map((f) => [f.ruleId, f.locations[0]!.line]), [['unparsable-file', 3]]);
  assert.match(findings[0]!.message, /kindConfig kind\/lab\.yaml does not exist/);
});

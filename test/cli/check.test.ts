import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import { ROOT, runCli, tempFolder } from '../helpers.ts';

// A registry with one finding of each kind the flags below pick from: an error in forge
// (a conflict), warnings in studio (NodePorts in production) and in every cluster (an ad-hoc port).
const REGISTRY = `version: 1
ranges:
  ai-ml: { ports: 30000-30049 }
clusters:
  forge: {}
  studio: { production: true }
services:
  flyte-console: { range: ai-ml, clusters: [forge], port: 30031 }
  kafka: { range: ai-ml, clusters: [forge], port: 30031 }
  grafana: { range: ai-ml, clusters: [studio], port: 30040 }
  syslog: { clusters: [forge, studio], exposure: ClusterIP, port: 5140 }
rules:
  dynamic-band: off
`;

type Finding = { ruleId: string; cluster: string | null; service: string | null; severity: string; suppression?: { kind: string; reason: string; location: { line: number } } };

async function checkJson(registry: string, ...args: string[]) {
  const run = await runCli(['check', '--format', 'json', ...args], tempFolder({ 'portolan.yaml': registry }));
  return { code: run.code, stderr: run.stderr, ...(JSON.parse(run.stdout) as { findings: Finding[]; suppressed: Finding[]; errors?: unknown[] }) };
}

const ids = (findings: Finding[]) => findings.map((f) => `${f.ruleId} ${f.cluster ?? 'all'}`).sort();

const sarifValidator = () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  return new (AjvDraft04 as unknown as typeof AjvDraft04.default)({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
};

describe('check --cluster, --rule, --quiet, --max-warnings', () => {
  it('starts from one error and two warnings', async () => {
    const all = await checkJson(REGISTRY);
    assert.equal(all.code, 1);
    assert.deepEqual(ids(all.findings), ['port-conflict forge', 'prefer-loadbalancer studio', 'unreserved-port all']);
  });

  it('--cluster keeps the findings about those clusters, and those about every cluster', async () => {
    assert.deepEqual(ids((await checkJson(REGISTRY, '--cluster', 'studio')).findings), ['prefer-loadbalancer studio', 'unreserved-port all']);
    const studio = await checkJson(REGISTRY, '--cluster', 'studio');
    assert.equal(studio.code, 0, 'the error is in forge');
    assert.equal((await checkJson(REGISTRY, '--cluster', 'forge,studio')).findings.length, 3);
    const typo = await runCli(['check', '--cluster', 'studoi'], tempFolder({ 'portolan.yaml': REGISTRY }));
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no cluster "studoi".*\n  did you mean "studio"\?/);
  });

  it('--rule runs only those rules, and names the valid ones for a typo', async () => {
    assert.deepEqual(ids((await checkJson(REGISTRY, '--rule', 'prefer-loadbalancer', '--rule', 'unreserved-port')).findings), ['prefer-loadbalancer studio', 'unreserved-port all']);
    assert.deepEqual(ids((await checkJson(REGISTRY, '--rule', 'port-conflict,unreserved-port')).findings), ['port-conflict forge', 'unreserved-port all']);
    const typo = await runCli(['check', '--rule', 'port-conflit'], tempFolder({ 'portolan.yaml': REGISTRY }));
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^portolan: unknown rule "port-conflit"; did you mean "port-conflict"\?/);
  });

  it('--quiet reports errors only', async () => {
    const quiet = await checkJson(REGISTRY, '--quiet');
    assert.deepEqual(ids(quiet.findings), ['port-conflict forge']);
    const text = await runCli(['check', '--quiet'], tempFolder({ 'portolan.yaml': REGISTRY }));
    assert.match(text.stdout, /✖ 1 problem \(1 error, 0 warnings\)/);
  });

  it('--max-warnings N exits 1 above N warnings', async () => {
    const dir = tempFolder({ 'portolan.yaml': REGISTRY.replace('port: 30031 }\n  grafana', 'port: 30032 }\n  grafana') });
    assert.equal((await runCli(['check'], dir)).code, 0);
    assert.equal((await runCli(['check', '--max-warnings', '2'], dir)).code, 0);
    const over = await runCli(['check', '--max-warnings', '1'], dir);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /^portolan: 2 warnings, more than --max-warnings 1$/m);
    const bad = await runCli(['check', '--max-warnings', 'many'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-warnings needs a whole number/);
  });
});

describe('accepting a finding', () => {
  const ACCEPTED = REGISTRY.replace(
    '  grafana: { range: ai-ml, clusters: [studio], port: 30040 }',
    `  grafana:
    range: ai-ml
    clusters: [studio]
    port: 30040
    ignore:
      - rule: prefer-loadbalancer
        reason: the on-call laptop reaches it through the node, until the VPN is up`,
  ).replace(
    'rules:',
    `ignore:
  - rule: unreserved-port
    ports: 5000-5999
    reason: syslog's port is fixed by the appliances that send to it
rules:`,
  );

  it('an ignore leaves the finding out of the text and the counts, and says how many were', async () => {
    const dir = tempFolder({ 'portolan.yaml': ACCEPTED });
    const run = await runCli(['check'], dir);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout, /prefer-loadbalancer|unreserved-port/);
    assert.match(run.stdout, /✖ 1 problem \(1 error, 0 warnings\), 2 suppressed \(--show-suppressed lists them\)/);
    const shown = await runCli(['check', '--show-suppressed'], dir);
    assert.match(shown.stdout, /^suppressed\n {2}portolan\.yaml:\d+:\d+ {2}warning {2}grafana is a NodePort service in production cluster studio {2}prefer-loadbalancer\n {4}accepted: the on-call laptop reaches it through the node, until the VPN is up \(portolan\.yaml:15:9\)$/m);
    assert.match(shown.stdout, /accepted: syslog's port is fixed by the appliances that send to it \(portolan\.yaml:19:5\)/);
    const markdown = await runCli(['check', '--format', 'markdown'], dir);
    assert.match(markdown.stdout, /^1 problem: 1 error\(s\), 0 warning\(s\), 0 info\. 2 accepted on purpose/m);
    assert.doesNotMatch(markdown.stdout, /prefer-loadbalancer/);
  });

  it('JSON keeps suppressed findings under `suppressed`, with the reason and where it is written', async () => {
    const result = await checkJson(ACCEPTED);
    assert.deepEqual(ids(result.findings), ['port-conflict forge']);
    assert.deepEqual(ids(result.suppressed), ['prefer-loadbalancer studio', 'unreserved-port all']);
    const grafana = result.suppressed.find((f) => f.ruleId === 'prefer-loadbalancer')!;
    assert.deepEqual(grafana.suppression, { kind: 'registry', reason: 'the on-call laptop reaches it through the node, until the VPN is up', location: { file: 'portolan.yaml', line: 15, column: 9 } });
  });

  it('SARIF keeps them as results with `suppressions`, and validates', async () => {
    const run = await runCli(['check', '--format', 'sarif'], tempFolder({ 'portolan.yaml': ACCEPTED }));
    const log = JSON.parse(run.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const validate = sarifValidator();
    assert.ok(validate(JSON.parse(run.stdout)), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results as { ruleId: string; suppressions?: { kind: string; justification: string }[] }[];
    assert.equal(results.length, 3);
    assert.deepEqual(
      results.filter((r) => r.suppressions).map((r) => [r.ruleId, r.suppressions![0]!.kind]).sort(),
      [['prefer-loadbalancer', 'external'], ['unreserved-port', 'external']],
    );
    assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
  });

  it('a service ignore holds for its clusters only; a top-level one by cluster, port or file', async () => {
    const inPro = ACCEPTED.replace('      - rule: prefer-loadbalancer\n', '      - rule: prefer-loadbalancer\n        clusters: [forge]\n');
    const result = await checkJson(inPro);
    assert.deepEqual(ids(result.findings), ['port-conflict forge', 'prefer-loadbalancer studio', 'unused-ignore forge']);
    const byCluster = await checkJson(REGISTRY.replace('rules:', 'ignore:\n  - clusters: [forge]\n    reason: forge is being rebuilt\nrules:'));
    assert.deepEqual(ids(byCluster.suppressed), ['port-conflict forge']);
    assert.equal(byCluster.code, 0);
    const byFile = await checkJson(REGISTRY.replace('rules:', "ignore:\n  - files: ['portolan.yaml']\n    rule: port-conflict\n    reason: settled in the next release\nrules:"));
    assert.deepEqual(ids(byFile.suppressed), ['port-conflict forge']);
    const otherFile = await checkJson(REGISTRY.replace('rules:', "ignore:\n  - files: ['apps/**']\n    rule: port-conflict\n    reason: settled in the next release\nrules:"));
    assert.deepEqual(ids(otherFile.findings), ['port-conflict forge', 'prefer-loadbalancer studio', 'unreserved-port all', 'unused-ignore all']);
  });

  it('an ignore of one party accepts the conflict it is in', async () => {
    const result = await checkJson(REGISTRY.replace('  kafka: { range: ai-ml, clusters: [forge], port: 30031 }', '  kafka:\n    range: ai-ml\n    clusters: [forge]\n    port: 30031\n    ignore: [{ rule: port-conflict, reason: "kafka leaves forge on Friday" }]'));
    assert.deepEqual(ids(result.suppressed), ['port-conflict forge']);
    assert.equal(result.code, 0);
  });

  it('a reason is required, the rule must exist, and an ignore that accepts everything is refused', async () => {
    const noReason = await runCli(['check'], tempFolder({ 'portolan.yaml': REGISTRY.replace('rules:', 'ignore:\n  - rule: port-conflict\nrules:') }));
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /^portolan: portolan\.yaml:13:5: ignore\[0\] is missing the key "reason"/);
    const typo = await runCli(['check'], tempFolder({ 'portolan.yaml': REGISTRY.replace('rules:', 'ignore:\n  - rule: port-conflit\n    reason: x\nrules:') }));
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^portolan: portolan\.yaml:13:11: unknown rule "port-conflit" in ignore\[0\]\n  did you mean "port-conflict"\?/);
    const everything = await runCli(['check'], tempFolder({ 'portolan.yaml': REGISTRY.replace('rules:', 'ignore:\n  - reason: too many findings\nrules:') }));
    assert.equal(everything.code, 2);
    assert.match(everything.stderr, /ignore\[0\] accepts every finding\n  say which with rule, clusters, ports or files/);
    const cluster = await runCli(['check'], tempFolder({ 'portolan.yaml': REGISTRY.replace('rules:', 'ignore:\n  - clusters: [froge]\n    reason: x\nrules:') }));
    assert.match(cluster.stderr, /no cluster "froge" in clusters, in ignore\[0\]\.clusters\n  did you mean "forge"\?/);
  });

  it('an ignore that accepts nothing is reported as unused-ignore, which can be turned off', async () => {
    // kafka has moved, so the conflict the last ignore accepted is gone.
    const fixed = ACCEPTED.replace('kafka: { range: ai-ml, clusters: [forge], port: 30031 }', 'kafka: { range: ai-ml, clusters: [forge], port: 30032 }').replace(
      'rules:',
      '  - rule: port-conflict\n    clusters: [forge]\n    reason: settled when kafka moves\nrules:',
    );
    const result = await checkJson(fixed);
    assert.deepEqual(ids(result.findings), ['unused-ignore forge']);
    assert.equal(result.findings[0]!.severity, 'warning');
    assert.equal(result.code, 0);
    const off = await checkJson(fixed.replace('dynamic-band: off', 'dynamic-band: off\n  unused-ignore: off'));
    assert.deepEqual(off.findings, []);
    // With --rule, the ignores of rules that did not run are not unused.
    const only = await checkJson(fixed, '--rule', 'unused-ignore,prefer-loadbalancer');
    assert.deepEqual(ids(only.findings), []);
    assert.deepEqual(ids(only.suppressed), ['prefer-loadbalancer studio']);
  });
});

describe('a registry that cannot be loaded', () => {
  const BROKEN = REGISTRY.replace('  kafka: { range', '  kafka: { rnage').replace('dynamic-band: off', 'dynamic-band: of\n  port-conflit: warning');

  it('reports every error of the load in one pass, each with "did you mean"', async () => {
    const run = await runCli(['check'], tempFolder({ 'portolan.yaml': BROKEN }));
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      [
        'portolan: portolan.yaml:9:12: unknown key "rnage" in services.kafka',
        '  did you mean "range"?',
        'portolan: portolan.yaml:13:17: rules.dynamic-band is "of"; expected one of error, warning, info, off',
        '  did you mean "off"?',
        'portolan: portolan.yaml:14:3: unknown rule "port-conflit" in rules',
        '  did you mean "port-conflict"?',
        '3 errors',
        '',
      ].join('\n'),
    );
  });

  it('--format json reports it as JSON, with every error and its place', async () => {
    const result = await checkJson(BROKEN);
    assert.equal(result.code, 2);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.errors, [
      { message: 'unknown key "rnage" in services.kafka', hint: 'did you mean "range"?', location: { file: 'portolan.yaml', line: 9, column: 12 } },
      { message: 'rules.dynamic-band is "of"; expected one of error, warning, info, off', hint: 'did you mean "off"?', location: { file: 'portolan.yaml', line: 13, column: 17 } },
      { message: 'unknown rule "port-conflit" in rules', hint: 'did you mean "port-conflict"?', location: { file: 'portolan.yaml', line: 14, column: 3 } },
    ]);
  });

  it('--format sarif reports an unsuccessful invocation with the notifications and their places', async () => {
    const run = await runCli(['check', '--format', 'sarif'], tempFolder({ 'portolan.yaml': BROKEN }));
    assert.equal(run.code, 2);
    const log = JSON.parse(run.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const validate = sarifValidator();
    assert.ok(validate(JSON.parse(run.stdout)), JSON.stringify(validate.errors, null, 2));
    const [invocation] = log.runs[0].invocations;
    assert.equal(invocation.executionSuccessful, false);
    assert.equal(invocation.toolExecutionNotifications.length, 3);
    const first = invocation.toolExecutionNotifications[0];
    assert.equal(first.level, 'error');
    assert.equal(first.message.text, 'unknown key "rnage" in services.kafka (did you mean "range"?)');
    assert.deepEqual(first.locations[0].physicalLocation, { artifactLocation: { uri: 'portolan.yaml' }, region: { startLine: 9, startColumn: 12 } });
    assert.deepEqual(log.runs[0].results, []);
    // A repository that is not there, and a registry that is not there, are unsuccessful runs too.
    const noRepo = await runCli(['check', '--repo', 'gone', '--format', 'sarif'], tempFolder({ 'portolan.yaml': REGISTRY }));
    assert.equal(noRepo.code, 2);
    assert.equal(JSON.parse(noRepo.stdout).runs[0].invocations[0].toolExecutionNotifications[0].message.text, 'gone: no such file or folder (give the root folder of a GitOps repository)');
    const missing = JSON.parse((await runCli(['check', '--format', 'sarif'], tempFolder({}))).stdout);
    assert.equal(missing.runs[0].invocations[0].executionSuccessful, false);
    assert.match(missing.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /no portolan\.yaml in /);
  });
});

describe('the portolan.dev/ignore annotation', () => {
  const files = {
    'portolan.yaml': 'version: 1\nclusters:\n  lab: {}\nrules:\n  dynamic-band: off\n  unreserved-port: off\nservices:\n  grafana: { clusters: [lab], port: 30040 }\n',
    'clusters/lab/tools.yaml': `# Two debugging Services in one file: only the first is accepted.
apiVersion: v1
kind: Service
metadata:
  name: debug-shell
  annotations:
    portolan.dev/ignore: unregistered-port,kind-unmapped-nodeport
    portolan.dev/ignore-reason: opened by hand during incidents, closed after
spec:
  type: NodePort
  ports:
    - port: 22
      nodePort: 30250
---
apiVersion: v1
kind: Service
metadata:
  name: mailhog
spec:
  type: NodePort
  ports:
    - port: 8025
      nodePort: 30251
`,
    // A trap: nothing deploys this folder, so its annotation accepts nothing and is not reported either.
    'apps/retired/debug.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: old-debug\n  annotations:\n    portolan.dev/ignore: unregistered-port\nspec:\n  type: NodePort\n  ports:\n    - port: 22\n      nodePort: 30260\n',
    'clusters/lab/grafana.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: grafana\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30040\n',
  };

  it("accepts its rules' findings about the object it is on, and no other object's", async () => {
    const dir = tempFolder(files);
    const run = await runCli(['check', '--repo', '.', '--format', 'json'], dir);
    const result = JSON.parse(run.stdout) as { findings: Finding[]; suppressed: (Finding & { locations: { file: string; line: number }[] })[] };
    assert.deepEqual(
      result.suppressed.map((f) => [f.ruleId, f.locations[0]!.line, f.suppression!.kind, f.suppression!.reason]),
      [['unregistered-port', 13, 'annotation', 'opened by hand during incidents, closed after']],
    );
    assert.deepEqual(ids(result.findings), ['unregistered-port lab', 'unused-ignore all']);
    assert.match(JSON.stringify(result.findings), /mailhog/);
    const sarif = JSON.parse((await runCli(['check', '--repo', '.', '--format', 'sarif'], dir)).stdout);
    const accepted = sarif.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0].suppressions[0].kind, 'inSource');
  });
});

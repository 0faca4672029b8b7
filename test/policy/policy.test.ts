import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { load } from 'js-yaml';
import { admissionContext, decideAdmission, isDecision } from '../../src/engine/admission.ts';
import { checkRegistry } from '../../src/engine/check.ts';
import { clusterPolicies } from '../../src/engine/policy.ts';
import { scanRepo } from '../../src/sources/gitops-repo/index.ts';
import { ADMISSION_CHECK_IDS, ADMISSION_CHECKS } from '../../src/policy/checks.ts';
import { clusterPlan } from '../../src/policy/plan.ts';
import { POLICY_SHAPES, policyParameters, type PolicyShape } from '../../src/policy/validating-admission-policy.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { fixture, ROOT } from '../helpers.ts';
import { evaluateShape } from './cel.ts';

// Every admission check has a folder of objects under test/fixtures/policy/<check>/: the ones
// named allow-* pass the check, the ones named deny-* fail it (refused, or for advice, warned
// about). The generated policy's CEL and the webhook's engine judge each of them the same way.
// A `# cluster: NAME` first line says which cluster the object is sent to (forge otherwise).

const registry = loadRegistry(fixture('policy', 'portolan.yaml'));

interface Case {
  check: string;
  file: string;
  expected: 'allow' | 'deny';
  cluster: string;
  object: { kind: string; apiVersion: string; metadata: { name: string; namespace: string } };
}

function cases(): Case[] {
  const found: Case[] = [];
  for (const check of ADMISSION_CHECK_IDS) {
    for (const file of readdirSync(fixture('policy', check)).sort()) {
      const text = readFileSync(fixture('policy', check, file), 'utf8');
      const cluster = /^# cluster: (\S+)/.exec(text)?.[1] ?? 'forge';
      found.push({ check, file, expected: file.startsWith('allow-') ? 'allow' : 'deny', cluster, object: load(text) as Case['object'] });
    }
  }
  return found;
}

function shapesFor(kind: string): PolicyShape[] {
  return POLICY_SHAPES.filter((shape) => shape.kinds.some((k) => k.split('/').pop() === kind));
}

function review(object: Case['object'], operation = 'CREATE') {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group, version, kind: object.kind },
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      operation,
      object,
      dryRun: false,
    },
  };
}

describe('admission fixtures', () => {
  const all = cases();

  test('every check has objects it allows and objects it denies', () => {
    for (const check of ADMISSION_CHECK_IDS) {
      assert.ok(all.some((c) => c.check === check && c.expected === 'allow'), `${check} has no allow-* fixture`);
      assert.ok(all.some((c) => c.check === check && c.expected === 'deny'), `${check} has no deny-* fixture`);
    }
    assert.deepEqual(new Set(readdirSync(fixture('policy')).filter((name) => !name.endsWith('.yaml'))), new Set(ADMISSION_CHECK_IDS));
  });

  for (const c of all) {
    test(`${c.check}/${c.file}: CEL ${c.expected}s`, () => {
      const data = policyParameters(clusterPlan(registry, registry.clusters.find((cl) => cl.name === c.cluster)!));
      const results = shapesFor(c.object.kind).flatMap((shape) =>
        evaluateShape(shape, { object: c.object, request: { namespace: c.object.metadata.namespace, operation: 'CREATE' }, params: { data } }),
      );
      const result = results.find((r) => r.id === c.check);
      assert.ok(result, `no validation ${c.check} for ${c.object.kind}`);
      assert.equal(result.passed, c.expected === 'allow', result.message);
      if (!result.passed) {
        assert.ok(result.message!.startsWith(`portolan/${c.check}: `), result.message);
        assert.ok(result.message!.includes(c.object.metadata.name), result.message);
        assert.ok(result.message!.includes(`cluster ${c.cluster}`), result.message);
        // Each message names the command that shows or gives the planned port (production-node-port names the registry's change).
        if (c.check !== 'production-node-port') assert.match(result.message!, /\(portolan (ports --service|allocate|who) /, result.message);
      }
    });

    test(`${c.check}/${c.file}: webhook ${c.expected}s`, () => {
      const context = admissionContext(registry, { cluster: c.cluster });
      const decision = decideAdmission(review(c.object), 'validate', context);
      assert.ok(isDecision(decision), JSON.stringify(decision));
      const notes = ADMISSION_CHECKS[c.check as keyof typeof ADMISSION_CHECKS].effect === 'refuse' ? decision.refusals : decision.warnings;
      const hits = notes.filter((note) => note.id === c.check);
      if (c.expected === 'allow') assert.deepEqual(hits, []);
      else {
        assert.equal(hits.length, 1, JSON.stringify(decision));
        assert.ok(hits[0]!.message.includes(c.object.metadata.name));
        if (c.check !== 'production-node-port') assert.match(hits[0]!.message, /\(portolan (ports --service|allocate|who) /, hits[0]!.message);
        if (ADMISSION_CHECKS[c.check as keyof typeof ADMISSION_CHECKS].effect === 'refuse') assert.equal(decision.allowed, false);
      }
    });
  }

  test('Kyverno ClusterPolicies (--format kyverno) carry the same CEL and judge every fixture the same way', () => {
    for (const cluster of ['forge', 'studio']) {
      const [generated] = clusterPolicies(registry, { clusters: [cluster], mode: 'deny', namespace: 'portolan', format: 'kyverno' });
      const objects = JSON.parse(JSON.stringify(generated!.objects)) as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any }[];
      assert.deepEqual(objects.map((o) => o.kind), ['Namespace', 'ConfigMap', 'ClusterPolicy', 'ClusterPolicy']);
      assert.deepEqual(objects.slice(2).map((o) => o.spec.validationFailureAction), ['Enforce', 'Audit']);
      const data = objects[1]!.data!;
      const rules = objects.slice(2).flatMap((o) => o.spec.rules) as { match: { any: { resources: { kinds: string[] } }[] }; validate: { cel: { paramRef: { name: string }; variables: PolicyShape['variables']; expressions: { expression: string; messageExpression: string; reason: 'Invalid' }[] } } }[];
      for (const rule of rules) assert.equal(rule.validate.cel.paramRef.name, objects[1]!.metadata.name);
      for (const c of all.filter((x) => x.cluster === cluster)) {
        const matching = rules.filter((rule) => rule.match.any[0]!.resources.kinds.some((kind) => kind.split('/').pop() === c.object.kind));
        const results = matching.flatMap((rule) =>
          evaluateShape(
            { suffix: 'services', kinds: [], resourceRules: [], variables: rule.validate.cel.variables, validations: rule.validate.cel.expressions.map((e) => ({ ...e, id: /^'portolan\/([a-z-]+):/.exec(e.messageExpression)![1] as never })) },
            { object: c.object, request: { namespace: c.object.metadata.namespace, operation: 'CREATE' }, params: { data } },
          ),
        );
        assert.equal(results.find((r) => r.id === c.check)?.passed, c.expected === 'allow', `${c.check}/${c.file}`);
      }
    }
  });

  test('warn mode turns every refusal into a warning and allows', () => {
    const context = admissionContext(registry, { cluster: 'forge', mode: 'warn' });
    const denied = all.filter((c) => c.expected === 'deny' && c.cluster === 'forge' && ADMISSION_CHECKS[c.check as keyof typeof ADMISSION_CHECKS].effect === 'refuse');
    assert.ok(denied.length >= 8);
    for (const c of denied) {
      const decision = decideAdmission(review(c.object), 'validate', context);
      assert.ok(isDecision(decision));
      assert.equal(decision.allowed, true);
      assert.deepEqual(decision.refusals, []);
      assert.ok(decision.warnings.some((note) => note.id === c.check), c.file);
    }
  });
});

describe('the example GitOps repository', () => {
  // What `check --repo` finds about the repository's Services, the clusters would refuse at the door.
  test('the policy and the webhook refuse exactly the Services that port-mismatch and unregistered-port report', () => {
    const gitops = loadRegistry(join(ROOT, 'examples', 'gitops', 'portolan.yaml'));
    const observed = scanRepo(join(ROOT, 'examples', 'gitops'), { registry: gitops, cwd: ROOT });
    const flagged = new Set(
      checkRegistry(gitops, { observed })
        .findings.filter((f) => f.ruleId === 'port-mismatch' || f.ruleId === 'unregistered-port')
        .map((f) => `${f.cluster}/${f.service}`),
    );
    assert.deepEqual([...flagged].sort(), ['studio/agent-jamie', 'studio/grafana']);
    const refusedByCel = new Set<string>();
    const refusedByWebhook = new Set<string>();
    for (const found of observed.services) {
      const namespace = found.object.namespace ?? 'default';
      const object = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: found.object.name, namespace },
        spec: { type: found.type, ports: found.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, nodePort: p.nodePort })) },
      };
      const cluster = gitops.clusters.find((c) => c.name === found.cluster)!;
      const data = policyParameters(clusterPlan(gitops, cluster));
      const cel = shapesFor('Service').flatMap((shape) => evaluateShape(shape, { object, request: { namespace, operation: 'CREATE' }, params: { data } }));
      if (cel.some((r) => !r.passed && ADMISSION_CHECKS[r.id as keyof typeof ADMISSION_CHECKS].effect === 'refuse')) refusedByCel.add(`${cluster.name}/${found.object.name}`);
      const decision = decideAdmission(review(object as Case['object']), 'validate', admissionContext(gitops, { cluster: cluster.name }));
      assert.ok(isDecision(decision));
      if (!decision.allowed) refusedByWebhook.add(`${cluster.name}/${found.object.name}`);
    }
    assert.deepEqual(refusedByCel, flagged);
    assert.deepEqual(refusedByWebhook, flagged);
  });
});

describe('the documentation', () => {
  test("the policy messages the README and docs/admission.md show are the policies' own, for examples/gitops", () => {
    const gitops = loadRegistry(join(ROOT, 'examples', 'gitops', 'portolan.yaml'));
    const data = policyParameters(clusterPlan(gitops, gitops.clusters.find((c) => c.name === 'studio')!));
    const message = (namespace: string, name: string, nodePort: number) => {
      const object = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort }] } };
      return evaluateShape(POLICY_SHAPES[0]!, { object, request: { namespace, operation: 'CREATE' }, params: { data } }).find((r) => !r.passed)!.message!;
    };
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const guide = readFileSync(join(ROOT, 'docs', 'admission.md'), 'utf8');
    const mismatch = `with binding 'portolan-studio-services': ${message('observability', 'grafana', 30401)}\n`;
    assert.ok(readme.includes(mismatch), mismatch);
    assert.ok(guide.includes(mismatch), mismatch);
    const closed = `with binding 'portolan-studio-services' denied request: ${message('default', 'debug-shell', 30250)}\n`;
    assert.ok(guide.includes(closed), closed);
  });
});

describe('the CEL harness', () => {
  test("split behaves as Kubernetes' strings library documents it: every piece kept, empty ones too", () => {
    const shape = { suffix: 'services' as const, kinds: [], resourceRules: [], variables: [], validations: [] };
    const split = (text: string) =>
      evaluateShape(
        { ...shape, validations: [{ id: 'open-node-port' as const, expression: `size('${text}'.split(',')) == 0`, messageExpression: `string(size('${text}'.split(',')))`, reason: 'Invalid' as const }] },
        { object: {}, request: { namespace: 'default', operation: 'CREATE' }, params: { data: {} } },
      )[0]!.message;
    assert.equal(split(''), '1'); // [''], as Go's strings.Split
    assert.equal(split('30300-30399,,30500-32767'), '3');
  });
});

describe('generated policies', () => {
  test('warn mode binds Warn and Audit, deny mode Deny and Audit; advice always warns', () => {
    for (const mode of ['warn', 'deny'] as const) {
      const [forge] = clusterPolicies(registry, { clusters: ['forge'], mode, namespace: 'portolan', excludeNamespaces: ['portolan'] });
      const bindings = forge!.objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
      assert.deepEqual(bindings.map((b) => b.metadata.name), ['portolan-forge-services', 'portolan-forge-pods', 'portolan-forge-templates', 'portolan-forge-cronjobs', 'portolan-forge-advice']);
      for (const binding of bindings) {
        const actions = (binding.spec as { validationActions: string[] }).validationActions;
        const advice = binding.metadata.name.endsWith('-advice');
        assert.deepEqual(actions, mode === 'deny' && !advice ? ['Deny', 'Audit'] : ['Warn', 'Audit']);
        assert.deepEqual((binding.spec as { paramRef: unknown }).paramRef, { name: 'portolan-forge', namespace: 'portolan', parameterNotFoundAction: 'Deny' });
      }
      const policy = forge!.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
      const spec = policy.spec as { failurePolicy: string; matchConstraints: { namespaceSelector: { matchExpressions: { values: string[] }[] } } };
      assert.equal(spec.failurePolicy, mode === 'deny' ? 'Fail' : 'Ignore');
      assert.deepEqual(spec.matchConstraints.namespaceSelector.matchExpressions[0]!.values, ['kube-system', 'kube-public', 'kube-node-lease', 'portolan']);
    }
  });

  test('the parameters hold each planned Service by namespace and name, overrides applied per cluster', () => {
    const forge = policyParameters(clusterPlan(registry, registry.clusters.find((c) => c.name === 'forge')!));
    const studio = policyParameters(clusterPlan(registry, registry.clusters.find((c) => c.name === 'studio')!));
    assert.equal(forge['svc.flyte.flyteconsole'], '30102,30103');
    assert.equal(studio['svc.flyte.flyteconsole'], '30102,30104');
    assert.equal(forge['entry.flyte.flyteconsole'], 'flyte-console');
    assert.equal(forge['svc._.headlamp'], '30001');
    assert.equal(forge['svc.ml-inference.vllm'], '30100');
    assert.equal(studio['svc.ml-inference.vllm'], undefined);
    assert.equal(forge['svc.monitoring.node-exporter'], undefined); // ClusterIP: no node ports
    assert.equal(forge['host.9100'], 'node-exporter');
    assert.equal(forge['node.9100'], undefined);
    assert.equal(forge.open, '30300-30349,30360-30399,30500-32767');
    assert.equal(studio.open, '30300-30399,30500-32767');
    assert.equal(forge.reserved, '30350-30359');
    assert.equal(studio.reserved, '');
    assert.equal(studio.production, 'true');
    // Every key is a valid ConfigMap key.
    for (const key of Object.keys(forge)) assert.match(key, /^[-._a-zA-Z0-9]+$/);
  });
});

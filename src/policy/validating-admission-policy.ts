import { InputError } from '../core/errors.ts';
import { formatSpan } from '../core/span.ts';
import type { PortSpan, Registry } from '../core/types.ts';
import type { AdmissionCheckId } from './checks.ts';
import { clusterPlan, type ClusterPlan } from './plan.ts';

/** A Kubernetes object as the generators write it. */
export type KubernetesObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: unknown }; [key: string]: unknown };

/** How a policy is bound: `warn` for a rollout (Warn, Audit), `deny` to enforce (Deny, Audit). */
export type PolicyMode = 'warn' | 'deny';

/** Options for the generated policies. */
export interface PolicyOptions {
  mode: PolicyMode;
  /** The namespace of the parameter ConfigMap. */
  namespace: string;
  /** Namespaces the policies leave alone, besides the ones Kubernetes runs itself. */
  excludeNamespaces?: readonly string[];
}

/** The namespaces Kubernetes runs itself, which the policies and the webhook never judge. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** A ConfigMap holds at most 1 MiB of data. */
const CONFIGMAP_LIMIT = 1024 * 1024;

/** One validation of a generated policy, with the id of the check it makes. */
export interface PolicyValidation {
  id: AdmissionCheckId;
  expression: string;
  messageExpression: string;
  reason: 'Invalid' | 'Forbidden';
}

/** The CEL variables of a policy, in the order they are declared. */
export interface PolicyVariable {
  name: string;
  expression: string;
}

/** The policies of a cluster: Services, then Pods and Pod templates (host ports) by where each kind keeps its Pod spec, and advice that only ever warns. */
export interface PolicyShape {
  suffix: 'services' | 'pods' | 'templates' | 'cronjobs' | 'advice';
  /** The kinds it judges, as Kyverno names them (`group/version/Kind` outside the core group). */
  kinds: string[];
  resourceRules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  variables: PolicyVariable[];
  validations: PolicyValidation[];
}

// A Service's key in the parameters is looked up directly (`in`, then one index): the cost of
// an admission is the Service's own ports and the few open spans, never the size of the plan.
const SERVICE_VARIABLES: PolicyVariable[] = [
  { name: 'name', expression: "request.namespace + '/' + object.metadata.name" },
  {
    name: 'plannedKey',
    expression:
      "('svc.' + request.namespace + '.' + object.metadata.name) in params.data ? request.namespace + '.' + object.metadata.name : (('svc._.' + object.metadata.name) in params.data ? '_.' + object.metadata.name : '')",
  },
  { name: 'type', expression: "has(object.spec.type) ? object.spec.type : 'ClusterIP'" },
  {
    name: 'nodePorts',
    expression: "(variables.type == 'NodePort' || variables.type == 'LoadBalancer') && has(object.spec.ports) ? object.spec.ports.filter(p, has(p.nodePort) && p.nodePort > 0).map(p, p.nodePort) : []",
  },
  { name: 'planned', expression: "variables.plannedKey == '' ? '' : params.data['svc.' + variables.plannedKey]" },
  { name: 'entry', expression: "variables.plannedKey == '' ? object.metadata.name : params.data['entry.' + variables.plannedKey]" },
  { name: 'unplannedPorts', expression: "variables.nodePorts.filter(n, !((',' + variables.planned + ',').contains(',' + string(n) + ',')))" },
  { name: 'heldPorts', expression: "variables.nodePorts.filter(n, ('node.' + string(n)) in params.data)" },
  {
    name: 'closedPorts',
    expression:
      "variables.nodePorts.filter(n, !(('node.' + string(n)) in params.data) && !params.data.open.split(',').exists(s, s != '' && int(s.split('-')[0]) <= n && n <= int(s.split('-')[1])))",
  },
];

const CLUSTER = "params.data.cluster";

const SERVICES: PolicyShape = {
  suffix: 'services',
  kinds: ['Service'],
  resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }],
  variables: SERVICE_VARIABLES,
  validations: [
    {
      id: 'planned-node-port',
      expression: "variables.plannedKey == '' || size(variables.unplannedPorts) == 0",
      messageExpression: `'portolan/planned-node-port: Service ' + variables.name + ' takes node port ' + string(variables.unplannedPorts[0]) + ', but the registry gives ' + variables.entry + ' ' + variables.planned + ' in cluster ' + ${CLUSTER} + '; set nodePort to the planned port (portolan ports --service ' + variables.entry + ' --cluster ' + ${CLUSTER} + ')'`,
      reason: 'Invalid',
    },
    {
      id: 'node-port-held',
      expression: "variables.plannedKey != '' || size(variables.heldPorts) == 0",
      messageExpression: `'portolan/node-port-held: Service ' + variables.name + ' takes node port ' + string(variables.heldPorts[0]) + ', which the registry gives ' + params.data['node.' + string(variables.heldPorts[0])] + ' in cluster ' + ${CLUSTER} + '; plan a port of its own (portolan allocate ' + object.metadata.name + ' --range <range> --cluster ' + ${CLUSTER} + ')'`,
      reason: 'Forbidden',
    },
    {
      id: 'open-node-port',
      expression: "variables.plannedKey != '' || size(variables.closedPorts) == 0",
      messageExpression: `'portolan/open-node-port: Service ' + variables.name + ' takes node port ' + string(variables.closedPorts[0]) + ', which the registry does not plan in cluster ' + ${CLUSTER} + ' and which lies outside the ports open to unplanned Services (' + (params.data.open == '' ? 'none' : params.data.open) + '); plan it (portolan allocate ' + object.metadata.name + ' --range <range> --cluster ' + ${CLUSTER} + ')'`,
      reason: 'Forbidden',
    },
  ],
};

/**
 * The host port check over one place of the Pod spec. Each kind keeps its Pod spec elsewhere, and
 * the API server type-checks every expression against each kind a policy matches: one policy per
 * place keeps that check clean.
 */
function hostPortShape(suffix: 'pods' | 'templates' | 'cronjobs', kinds: string[], resourceRules: PolicyShape['resourceRules'], podSpec: string): PolicyShape {
  const unplanned = "has(c.ports) && c.ports.exists(p, has(p.hostPort) && p.hostPort > 0 && !(('host.' + string(p.hostPort)) in params.data))";
  return {
    suffix,
    kinds,
    resourceRules,
    variables: [
      { name: 'podSpec', expression: podSpec },
      {
        name: 'containers',
        expression: "variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])",
      },
      { name: 'unplanned', expression: `variables.containers.filter(c, ${unplanned})` },
    ],
    validations: [
      {
        id: 'planned-host-port',
        expression: 'size(variables.unplanned) == 0',
        messageExpression: `'portolan/planned-host-port: ' + object.kind + ' ' + request.namespace + '/' + object.metadata.name + ': container ' + variables.unplanned[0].name + ' binds host port ' + string(variables.unplanned[0].ports.filter(p, has(p.hostPort) && p.hostPort > 0 && !(('host.' + string(p.hostPort)) in params.data))[0].hostPort) + ', which the registry gives to no service in cluster ' + ${CLUSTER} + '; plan it (portolan who ' + string(variables.unplanned[0].ports.filter(p, has(p.hostPort) && p.hostPort > 0 && !(('host.' + string(p.hostPort)) in params.data))[0].hostPort) + ' says who holds it in each cluster), or leave hostPort out'`,
        reason: 'Forbidden',
      },
    ],
  };
}

const rules = (group: string, resources: string[]) => ({ apiGroups: [group], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources });

const PODS = hostPortShape('pods', ['Pod'], [rules('', ['pods'])], 'object.spec');

const TEMPLATES = hostPortShape(
  'templates',
  ['ReplicationController', 'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'apps/v1/ReplicaSet', 'batch/v1/Job'],
  [rules('', ['replicationcontrollers']), rules('apps', ['deployments', 'statefulsets', 'daemonsets', 'replicasets']), rules('batch', ['jobs'])],
  'object.spec.template.spec',
);

const CRONJOBS = hostPortShape('cronjobs', ['batch/v1/CronJob'], [rules('batch', ['cronjobs'])], 'object.spec.jobTemplate.spec.template.spec');

const ADVICE: PolicyShape = {
  suffix: 'advice',
  kinds: ['Service'],
  resourceRules: SERVICES.resourceRules,
  variables: [
    ...SERVICE_VARIABLES.filter((v) => ['name', 'plannedKey', 'type', 'planned', 'entry'].includes(v.name)),
    {
      name: 'takesNodePorts',
      expression:
        "variables.type == 'NodePort' || (variables.type == 'LoadBalancer' && !(has(object.spec.allocateLoadBalancerNodePorts) && !object.spec.allocateLoadBalancerNodePorts))",
    },
  ],
  validations: [
    {
      id: 'omitted-node-port',
      expression: "params.data.dynamicRanges == '' || !variables.takesNodePorts || !has(object.spec.ports) || object.spec.ports.all(p, has(p.nodePort) && p.nodePort > 0)",
      messageExpression: `'portolan/omitted-node-port: Service ' + variables.name + ' leaves nodePort out; cluster ' + ${CLUSTER} + ' hands out automatic node ports from ' + params.data.dynamicBand + ' first, where ranges ' + params.data.dynamicRanges + ' are planned; ' + (variables.plannedKey != '' ? 'give it its planned port, ' + variables.planned + ' (portolan ports --service ' + variables.entry + ' --cluster ' + ${CLUSTER} + ')' : 'plan one (portolan allocate ' + object.metadata.name + ' --range <range> --cluster ' + ${CLUSTER} + ' --static-band)')`,
      reason: 'Invalid',
    },
    {
      id: 'production-node-port',
      expression: "params.data.production != 'true' || variables.type != 'NodePort'",
      messageExpression: `'portolan/production-node-port: Service ' + variables.name + ' is a NodePort Service in production cluster ' + ${CLUSTER} + '; expose it through a LoadBalancer (exposure: LoadBalancer in portolan.yaml)'`,
      reason: 'Invalid',
    },
  ],
};

/** The shapes of the policies every cluster gets, in the order they are written. */
export const POLICY_SHAPES: readonly PolicyShape[] = [SERVICES, PODS, TEMPLATES, CRONJOBS, ADVICE];

/** The parameter ConfigMap's data for a cluster: every key the policies' expressions read. */
export function policyParameters(plan: ClusterPlan): Record<string, string> {
  const data: Record<string, string> = {
    cluster: plan.cluster.name,
    production: String(plan.cluster.production),
    open: plan.open.map(fullSpan).join(','),
    reserved: plan.reserved.map(formatSpan).join(','),
    dynamicBand: formatSpan(plan.dynamicBand),
    dynamicRanges: plan.dynamicRanges.join(', '),
  };
  for (const [key, service] of plan.services) {
    data[`svc.${key}`] = service.ports.map((port) => port.port).join(',');
    data[`entry.${key}`] = service.entry;
  }
  for (const [port, holder] of [...plan.nodePorts].sort((a, b) => a[0] - b[0])) data[`node.${port}`] = holder;
  for (const [port, holder] of [...plan.hostPorts].sort((a, b) => a[0] - b[0])) data[`host.${port}`] = holder;
  return data;
}

/** The names of a cluster's generated objects. */
export function policyName(cluster: string, suffix?: string): string {
  return suffix === undefined ? `portolan-${cluster}` : `portolan-${cluster}-${suffix}`;
}

/**
 * Every object that enforces the plan of `clusterName` with ValidatingAdmissionPolicies
 * (admissionregistration.k8s.io/v1, Kubernetes 1.30+): the parameter ConfigMap, then per shape a
 * policy and its binding.
 */
export function admissionPolicies(registry: Registry, clusterName: string, options: PolicyOptions): KubernetesObject[] {
  const cluster = registry.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`no cluster ${clusterName}`); // the engine looks the name up first
  const plan = clusterPlan(registry, cluster);
  const data = policyParameters(plan);
  const size = Object.entries(data).reduce((sum, [key, value]) => sum + key.length + Buffer.byteLength(value), 0);
  if (size > CONFIGMAP_LIMIT) {
    throw new InputError(
      `the plan of cluster ${cluster.name} needs ${size} bytes of parameters; a ConfigMap holds at most ${CONFIGMAP_LIMIT}`,
      cluster.at,
      'enforce this cluster with `portolan webhook`, which reads the registry itself',
    );
  }
  const excluded = excludedNamespaces(options);
  const labels = { 'app.kubernetes.io/managed-by': 'portolan', 'portolan.dev/cluster': cluster.name };
  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace, labels } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: policyName(cluster.name), namespace: options.namespace, labels }, data },
  ];
  for (const shape of POLICY_SHAPES) {
    const name = policyName(cluster.name, shape.suffix);
    const enforce = shape.suffix !== 'advice' && options.mode === 'deny';
    objects.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels },
      spec: {
        // Fail closed once enforced; while warning, a policy that cannot run lets the object through.
        failurePolicy: enforce ? 'Fail' : 'Ignore',
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: {
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] },
          resourceRules: shape.resourceRules,
        },
        variables: shape.variables,
        validations: shape.validations.map(({ expression, messageExpression, reason }) => ({ expression, messageExpression, reason })),
      },
    });
    objects.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels },
      spec: {
        policyName: name,
        validationActions: enforce ? ['Deny', 'Audit'] : ['Warn', 'Audit'],
        paramRef: { name: policyName(cluster.name), namespace: options.namespace, parameterNotFoundAction: 'Deny' },
      },
    });
  }
  return objects;
}

/** The namespaces a cluster's policies leave alone: Kubernetes' own, then the ones given. */
export function excludedNamespaces(options: Pick<PolicyOptions, 'excludeNamespaces'>): string[] {
  return [...new Set([...SYSTEM_NAMESPACES, ...(options.excludeNamespaces ?? [])])];
}

/** Every span written `from-to`, a single port too, so the policy splits each one the same way. */
function fullSpan(span: PortSpan): string {
  return `${span.from}-${span.to}`;
}


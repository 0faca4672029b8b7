import { InputError } from '../core/errors.ts';
import { formatSpan, formatSpans, inSpans } from '../core/span.ts';
import type { Finding, Range, Registry, Reservation } from '../core/types.ts';
import type { AdmissionCheckId } from '../policy/checks.ts';
import { clusterPlan, plannedService, type ClusterPlan, type PlannedService } from '../policy/plan.ts';
import { excludedNamespaces, type PolicyMode } from '../policy/validating-admission-policy.ts';
import { checkRegistry } from './check.ts';
import { clusterNamed } from './queries.ts';

/** What the webhook knows while it answers: one cluster's plan, and the registry's own findings about it; plain data, so a worker can hand it over. */
export interface AdmissionContext {
  /** The registry file the plan was read from, as shown to people. */
  file: string;
  plan: ClusterPlan;
  /** The reservations that hold in this cluster, with their reasons. */
  reserved: Reservation[];
  mode: PolicyMode;
  /** The registry's ranges, to say which one holds a port. */
  ranges: Range[];
  /** Namespaces left alone: Kubernetes' own and the ones given. */
  excluded: Set<string>;
  /** The registry's findings about each service in this cluster, by entry name. */
  findings: Map<string, Finding[]>;
}

/** Options for an admission context. */
export interface AdmissionOptions {
  /** The cluster the webhook serves; may be left out when the registry plans only one. */
  cluster?: string;
  mode?: PolicyMode;
  excludeNamespaces?: readonly string[];
}

/** Lays out the registry for answering admission requests of one cluster (named, else the registry's only one). */
export function admissionContext(registry: Registry, options: AdmissionOptions): AdmissionContext {
  const cluster = clusterNamed(registry, options.cluster ?? onlyCluster(registry));
  const findings = new Map<string, Finding[]>();
  for (const finding of checkRegistry(registry).findings) {
    if (finding.service === undefined || (finding.cluster !== undefined && finding.cluster !== cluster.name)) continue;
    const list = findings.get(finding.service);
    if (list) list.push(finding);
    else findings.set(finding.service, [finding]);
  }
  // Only this cluster's part is kept: a webhook holds it for as long as it runs, and a small
  // heap keeps garbage collection pauses short under load.
  return {
    file: registry.file,
    plan: clusterPlan(registry, cluster),
    reserved: registry.reserved.filter((r) => r.clusters.length === 0 || r.clusters.includes(cluster.name)),
    mode: options.mode ?? 'deny',
    ranges: registry.ranges,
    excluded: new Set(excludedNamespaces(options)),
    findings,
  };
}

/** The registry's one cluster, or an error that asks which one. */
function onlyCluster(registry: Registry): string {
  if (registry.clusters.length === 1) return registry.clusters[0]!.name;
  throw new InputError(`say which cluster this is: --cluster ${registry.clusters.map((c) => c.name).join('|') || 'NAME'}`, undefined, `${registry.file} plans ${registry.clusters.length} clusters`);
}

/** Which webhook a review came to. */
export type AdmissionWebhook = 'validate' | 'mutate';

/** One check's verdict on an object, with its message. */
export interface AdmissionNote {
  id: AdmissionCheckId | 'registry';
  message: string;
}

/** One JSONPatch operation (RFC 6902) of a mutating answer. */
export interface PatchOperation {
  op: 'add';
  path: string;
  value: unknown;
}

/** The engine's answer to one admission request: allowed or not, why, and the patch that fills in planned ports. */
export interface AdmissionDecision {
  uid: string;
  allowed: boolean;
  refusals: AdmissionNote[];
  warnings: AdmissionNote[];
  patch: PatchOperation[];
}

/** A request the webhook cannot judge: its body is not an AdmissionReview v1 request. */
export interface AdmissionProblem {
  problem: string;
}

/** Decides an AdmissionReview body as the API server sends it: a decision, or the reason it is not a review. */
export function decideAdmission(body: unknown, webhook: AdmissionWebhook, context: AdmissionContext): AdmissionDecision | AdmissionProblem {
  if (!isObject(body)) return { problem: 'the body is not a JSON object; expected an AdmissionReview' };
  if (body.kind !== 'AdmissionReview') return { problem: `kind is ${JSON.stringify(body.kind)}; expected "AdmissionReview"` };
  if (body.apiVersion !== 'admission.k8s.io/v1') {
    return { problem: `apiVersion is ${JSON.stringify(body.apiVersion)}; this webhook serves admission.k8s.io/v1 (set admissionReviewVersions: [v1])` };
  }
  const request = body.request;
  if (!isObject(request)) return { problem: 'request is missing; expected the AdmissionReview request the API server sends' };
  if (typeof request.uid !== 'string' || request.uid === '') return { problem: 'request.uid is missing; expected a string' };
  const decision: AdmissionDecision = { uid: request.uid, allowed: true, refusals: [], warnings: [], patch: [] };
  const kind = isObject(request.kind) ? request.kind : {};
  const object = request.object;
  const namespace = typeof request.namespace === 'string' ? request.namespace : '';
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return decision; // DELETE and CONNECT are never refused
  if (!isObject(object) || context.excluded.has(namespace)) return decision;
  const group = typeof kind.group === 'string' ? kind.group : '';
  if (group === '' && kind.kind === 'Service') {
    if (webhook === 'mutate') fillPlannedPorts(object, isObject(request.oldObject) ? request.oldObject : undefined, namespace, context, decision);
    else judgeService(object, namespace, context, decision);
  } else if (webhook === 'validate' && typeof kind.kind === 'string' && WORKLOADS.has(`${group}/${kind.kind}`)) {
    judgeWorkload(kind.kind, object, namespace, context, decision);
  }
  if (context.mode === 'warn') {
    decision.warnings.unshift(...decision.refusals);
    decision.refusals = [];
  }
  decision.allowed = decision.refusals.length === 0;
  return decision;
}

/** The workload kinds whose Pod template may bind host ports, as `group/Kind`. */
const WORKLOADS = new Set(['/Pod', '/ReplicationController', 'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'batch/Job', 'batch/CronJob']);

interface ServicePortShape {
  index: number;
  name?: string;
  nodePort?: number;
}

/** The Service's type, and its ports when it takes node ports (LoadBalancers too, unless they opt out). */
function serviceShape(object: Record<string, unknown>): { type: string; takesNodePorts: boolean; ports: ServicePortShape[]; name: string } {
  const spec = isObject(object.spec) ? object.spec : {};
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const takesNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  const ports: ServicePortShape[] = [];
  if (Array.isArray(spec.ports)) {
    for (const [index, port] of spec.ports.entries()) {
      if (!isObject(port)) continue;
      ports.push({
        index,
        ...(typeof port.name === 'string' ? { name: port.name } : {}),
        ...(typeof port.nodePort === 'number' && port.nodePort > 0 ? { nodePort: port.nodePort } : {}),
      });
    }
  }
  return { type, takesNodePorts, ports, name: typeof metadata.name === 'string' ? metadata.name : '' };
}

function judgeService(object: Record<string, unknown>, namespace: string, context: AdmissionContext, decision: AdmissionDecision): void {
  const shape = serviceShape(object);
  const label = `Service ${namespace}/${shape.name}`;
  const { plan } = context;
  const cluster = plan.cluster.name;
  const planned = plannedService(plan, namespace, shape.name);
  const explicit = shape.type === 'NodePort' || shape.type === 'LoadBalancer' ? shape.ports.filter((p) => p.nodePort !== undefined) : [];
  for (const port of explicit) {
    const nodePort = port.nodePort!;
    if (planned) {
      if (planned.ports.some((p) => p.port === nodePort)) continue;
      const holder = plan.nodePorts.get(nodePort);
      const wanted = pairFor(planned, port, shape.ports);
      note(decision.refusals, 'planned-node-port', `${label} takes node port ${nodePort}${portName(port)}${holder ? ` (the registry gives it to ${holder})` : ''}, but the registry gives ${planned.entry} ${wanted ? `${wanted} for it` : planned.ports.map((p) => p.port).join(', ')} in cluster ${cluster}; set nodePort to the planned port (portolan ports --service ${planned.entry} --cluster ${cluster})`);
      continue;
    }
    const holder = plan.nodePorts.get(nodePort);
    if (holder) {
      note(decision.refusals, 'node-port-held', `${label} takes node port ${nodePort}, which the registry gives ${holder} in cluster ${cluster}; plan a port of its own (portolan allocate ${shape.name} --range <range> --cluster ${cluster})`);
    } else if (!inSpans(nodePort, plan.open)) {
      note(decision.refusals, 'open-node-port', `${label} takes node port ${nodePort}, which the registry does not plan in cluster ${cluster}; ${whyClosed(nodePort, context)}; plan it (portolan allocate ${shape.name} --range <range> --cluster ${cluster})`);
    }
  }
  if (shape.takesNodePorts && plan.dynamicRanges.length > 0 && shape.ports.some((p) => p.nodePort === undefined)) {
    note(decision.warnings, 'omitted-node-port', `${label} leaves nodePort out; cluster ${cluster} hands out automatic node ports from ${formatSpan(plan.dynamicBand)} first, where ranges ${plan.dynamicRanges.join(', ')} are planned; ${planned ? `give it its planned port, ${planned.ports.map((p) => p.port).join(', ')} (portolan ports --service ${planned.entry} --cluster ${cluster})` : `plan one (portolan allocate ${shape.name} --range <range> --cluster ${cluster} --static-band)`}`);
  }
  if (plan.cluster.production && shape.type === 'NodePort') {
    note(decision.warnings, 'production-node-port', `${label} is a NodePort Service in production cluster ${cluster}; expose it through a LoadBalancer (exposure: LoadBalancer in portolan.yaml)`);
  }
  if (planned) {
    for (const finding of context.findings.get(planned.entry) ?? []) {
      decision.warnings.push({ id: 'registry', message: `portolan/${finding.ruleId}: the registry itself: ${finding.message}` });
    }
  }
}

/** Why a node port is closed to unplanned Services: the range or the reservation that holds it, or the NodePort range. */
function whyClosed(port: number, context: AdmissionContext): string {
  const { plan } = context;
  const reservation = context.reserved.find((r) => inSpans(port, r.spans));
  if (reservation) return `it is reserved (${formatSpans(reservation.spans)}: ${reservation.reason})`;
  const range = context.ranges.find((r) => inSpans(port, r.spans));
  if (range) return `it lies in range ${range.name} (${formatSpans(range.spans)}), which only planned services use`;
  const open = plan.open.length > 0 ? formatSpans(plan.open) : 'none';
  return `it lies outside the ports open to unplanned Services (${open})`;
}

/**
 * Adds the planned node port to every port of a planned Service that leaves nodePort out. On an
 * update, a port that already had a node port keeps it (the API server carries it over), so a
 * change of labels never moves a Service: the validating side says when its port is not the plan's.
 */
function fillPlannedPorts(object: Record<string, unknown>, oldObject: Record<string, unknown> | undefined, namespace: string, context: AdmissionContext, decision: AdmissionDecision): void {
  const shape = serviceShape(object);
  if (!shape.takesNodePorts) return;
  const planned = plannedService(context.plan, namespace, shape.name);
  if (!planned) return;
  const before = oldObject ? serviceShape(oldObject).ports : [];
  for (const port of shape.ports) {
    if (port.nodePort !== undefined) continue;
    const old = port.name !== undefined ? before.find((p) => p.name === port.name) : before[port.index];
    if (old?.nodePort !== undefined) continue;
    const value = pairFor(planned, port, shape.ports);
    if (value === undefined) continue;
    decision.patch.push({ op: 'add', path: `/spec/ports/${port.index}/nodePort`, value });
    shape.ports[shape.ports.indexOf(port)] = { ...port, nodePort: value };
  }
}

/**
 * The planned port for one Service port: the registry port of the same name, else the first
 * planned port no other port of the Service already takes (the registry's order, as written).
 */
function pairFor(planned: PlannedService, port: ServicePortShape, all: readonly ServicePortShape[]): number | undefined {
  const byName = port.name !== undefined ? planned.ports.find((p) => p.name === port.name) : undefined;
  if (byName) return byName.port;
  const taken = new Set(all.filter((p) => p !== port && p.nodePort !== undefined).map((p) => p.nodePort));
  const named = new Set(all.filter((p) => p !== port && p.name !== undefined).map((p) => p.name));
  return planned.ports.find((p) => !taken.has(p.port) && (p.name === undefined || !named.has(p.name)))?.port;
}

function judgeWorkload(kind: string, object: Record<string, unknown>, namespace: string, context: AdmissionContext, decision: AdmissionDecision): void {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '';
  const podSpec = podSpecOf(kind, object);
  if (!podSpec) return;
  for (const field of ['containers', 'initContainers'] as const) {
    const containers = podSpec[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isObject(container) || !Array.isArray(container.ports)) continue;
      for (const port of container.ports) {
        if (!isObject(port) || typeof port.hostPort !== 'number' || port.hostPort <= 0) continue;
        if (context.plan.hostPorts.has(port.hostPort)) continue;
        note(decision.refusals, 'planned-host-port', `${kind} ${namespace}/${name}: container ${String(container.name)} binds host port ${port.hostPort}, which the registry gives to no service in cluster ${context.plan.cluster.name}; plan it (portolan who ${port.hostPort} says who holds it in each cluster), or leave hostPort out`);
      }
    }
  }
}

/** The Pod spec of a Pod or of a workload's template. */
function podSpecOf(kind: string, object: Record<string, unknown>): Record<string, unknown> | undefined {
  const spec = isObject(object.spec) ? object.spec : undefined;
  if (!spec) return undefined;
  if (kind === 'Pod') return spec;
  const holder = kind === 'CronJob' ? dig(spec, 'jobTemplate', 'spec') : spec;
  const template = holder ? dig(holder, 'template', 'spec') : undefined;
  return template;
}

function dig(value: Record<string, unknown>, ...keys: string[]): Record<string, unknown> | undefined {
  let current: unknown = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : undefined;
}

function note(list: AdmissionNote[], id: AdmissionCheckId, message: string): void {
  list.push({ id, message: `portolan/${id}: ${message}` });
}

function portName(port: ServicePortShape): string {
  return port.name !== undefined ? ` on port ${port.name}` : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the engine returned a decision rather than a problem. */
export function isDecision(answer: AdmissionDecision | AdmissionProblem): answer is AdmissionDecision {
  return 'uid' in answer;
}

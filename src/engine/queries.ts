import { readFileSync } from 'node:fs';
import { freePorts, takenByCluster } from '../allocate/taken.ts';
import { InputError } from '../core/errors.ts';
import { RangeIndex } from '../core/range-index.ts';
import { inSpans, portsToSpans, spanSize } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import type { CheckResult, Cluster, PortClaim, PortSpan, Range, Registry, Reservation } from '../core/types.ts';
import type { PortPlan, RangeUsage } from '../reporters/port-document.ts';
import { registryClaims } from './claims.ts';
import { ruleIds, rules } from '../rules/index.ts';
import { meshRoutes, type MeshRoute } from './mesh.ts';
import { packageFile } from './package-files.ts';

/** Filters for `portolan ports`: each list keeps the claims that match one of its names; an empty list keeps all. */
export interface PortFilter {
  clusters?: readonly string[];
  ranges?: readonly string[];
  services?: readonly string[];
}

/** The registry's allocations, one per service port per cluster, sorted by cluster and port. */
export function listAllocations(registry: Registry, filter: PortFilter = {}): PortClaim[] {
  const clusters = new Set((filter.clusters ?? []).map((name) => clusterNamed(registry, name).name));
  const ranges = new Set((filter.ranges ?? []).map((name) => rangeNamed(registry, name).name));
  const services = new Set(filter.services ?? []);
  for (const name of services) {
    if (!registry.services.some((s) => s.name === name)) {
      throw new InputError(`no service "${name}" in ${registry.file}`, undefined, suggestion(name, registry.services.map((s) => s.name), 'services'), { kind: 'not-found' });
    }
  }
  return registryClaims(registry)
    .filter(
      (claim) =>
        (clusters.size === 0 || clusters.has(claim.cluster)) &&
        (ranges.size === 0 || (claim.range !== undefined && ranges.has(claim.range))) &&
        (services.size === 0 || services.has(claim.service)),
    )
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.port - b.port || a.service.localeCompare(b.service));
}

/** The free ports of one range in the given clusters (every cluster by default). */
export interface FreeReport {
  range: Range;
  clusters: string[];
  free: PortSpan[];
  count: number;
  size: number;
}

/** Which ports of a range are free in every named cluster, as spans. */
export function findFree(registry: Registry, rangeName: string, clusterNames: readonly string[] = []): FreeReport {
  const range = rangeNamed(registry, rangeName);
  const clusters = clusterNames.length > 0 ? clusterNames.map((name) => clusterNamed(registry, name).name) : registry.clusters.map((c) => c.name);
  const taken = takenByCluster(registry, registryClaims(registry));
  const free = freePorts(range.spans, clusters.map((name) => taken.get(name)!));
  let size = 0;
  for (const span of range.spans) size += span.to - span.from + 1;
  return { range, clusters, free: portsToSpans(free), count: free.length, size };
}

/** Who holds a port in each cluster, and what the plan says of the number. */
export interface Holders {
  port: number;
  ranges: Range[];
  reservations: Reservation[];
  clusters: { cluster: Cluster; claims: PortClaim[] }[];
  /** How other clusters reach the holders through the mesh, where they are exported (at their Service ports). */
  routes: MeshRoute[];
}

/** The holders of `port`, cluster by cluster. */
export function whoHolds(registry: Registry, port: number): Holders {
  const index = whoIndex(registry);
  const claims = index.byPort.get(port) ?? [];
  return {
    port,
    ranges: index.ranges.rangesOf(port),
    reservations: registry.reserved.filter((reservation) => inSpans(port, reservation.spans)),
    clusters: registry.clusters.map((cluster) => ({ cluster, claims: claims.filter((claim) => claim.cluster === cluster.name) })),
    // In the mesh's own order, each route once.
    routes: [...new Set(claims.flatMap((claim) => index.routes.get(`${claim.service}\u0000${claim.cluster}`) ?? []))].sort((a, b) => index.order.get(a)! - index.order.get(b)!),
  };
}

/** What `whoHolds` looks ports up in: the claims by port, the ranges, and the mesh routes by service and target cluster. */
interface WhoIndex {
  byPort: Map<number, PortClaim[]>;
  ranges: RangeIndex;
  routes: Map<string, MeshRoute[]>;
  order: Map<MeshRoute, number>;
}

// A server asks who holds a port many times over one registry: it is indexed once per registry.
const whoIndexes = new WeakMap<Registry, WhoIndex>();

function whoIndex(registry: Registry): WhoIndex {
  let index = whoIndexes.get(registry);
  if (!index) {
    const byPort = new Map<number, PortClaim[]>();
    for (const claim of registryClaims(registry)) {
      const list = byPort.get(claim.port);
      if (list) list.push(claim);
      else byPort.set(claim.port, [claim]);
    }
    const routes = new Map<string, MeshRoute[]>();
    const order = new Map<MeshRoute, number>();
    for (const route of meshRoutes(registry)) {
      order.set(route, order.size);
      const key = `${route.service}\u0000${route.to}`;
      routes.set(key, [...(routes.get(key) ?? []), route]);
    }
    index = { byPort, ranges: new RangeIndex(registry.ranges), routes, order };
    whoIndexes.set(registry, index);
  }
  return index;
}

/** The cluster called `name`, or an error that lists the valid ones. */
export function clusterNamed(registry: Registry, name: string): Cluster {
  const cluster = registry.clusters.find((c) => c.name === name);
  if (cluster) return cluster;
  const names = registry.clusters.map((c) => c.name);
  throw new InputError(`no cluster "${name}" in ${registry.file}`, undefined, suggestion(name, names, 'clusters'), { kind: 'not-found' });
}

/** The range called `name`, or an error that lists the valid ones. */
export function rangeNamed(registry: Registry, name: string): Range {
  const range = registry.ranges.find((r) => r.name === name);
  if (range) return range;
  const names = registry.ranges.map((r) => r.name);
  throw new InputError(`no range "${name}" in ${registry.file}`, undefined, suggestion(name, names, 'ranges'), { kind: 'not-found' });
}

/** How full each range is: its size, the ports held in some cluster, and the next port free in every cluster; and per cluster. */
export function rangeUsage(registry: Registry, claims: readonly PortClaim[] = registryClaims(registry)): RangeUsage[] {
  const taken = takenByCluster(registry, claims);
  const every = [...taken.values()];
  return registry.ranges.map((range) => {
    const size = spanSize(range.spans);
    const free = freePorts(range.spans, every);
    const clusters = registry.clusters.map((cluster) => {
      const here = freePorts(range.spans, [taken.get(cluster.name)!]);
      return { cluster: cluster.name, used: size - here.length, free: here.length, next: here[0] ?? null };
    });
    return { range, size, used: size - free.length, free: free.length, next: free[0] ?? null, clusters };
  });
}

/** What the port document renders: the registry, what check found, how full each range is, and every claim. */
export function portPlan(registry: Registry, result: CheckResult): PortPlan {
  const claims = registryClaims(registry);
  return { registry, result, ranges: rangeUsage(registry, claims), claims };
}

/** What a rule finds and how to fix it, from its metadata; an unknown id lists the valid ones. */
export interface RuleExplanation {
  id: string;
  description: string;
  remediation: string;
  defaultSeverity: string;
  messages: Record<string, string>;
  /** The rule's reference page in the package. */
  docs: string;
}

/** The explanation of rule `id`. */
export function explainRule(id: string): RuleExplanation {
  const rule = rules[id];
  if (!rule) throw new InputError(`no rule "${id}"`, undefined, suggestion(id, ruleIds, 'rules'), { kind: 'not-found' });
  return { id, description: rule.meta.description, remediation: rule.meta.remediation, defaultSeverity: rule.meta.defaultSeverity, messages: rule.meta.messages, docs: `docs/rules/${id}.md` };
}

/** A rule's explanation with its reference page's Markdown, as the package ships it (null when the page is missing). */
export function ruleDocument(id: string): RuleExplanation & { page: string | null } {
  const explanation = explainRule(id);
  let page: string | null = null;
  try {
    page = readFileSync(packageFile('docs', 'rules', `${id}.md`), 'utf8');
  } catch {
    // A package built without docs/ still explains the rule from its metadata.
  }
  return { ...explanation, page };
}

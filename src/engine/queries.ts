import { freePorts, takenByCluster } from '../allocate/taken.ts';
import { InputError } from '../core/errors.ts';
import { RangeIndex } from '../core/range-index.ts';
import { inSpans, portsToSpans } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import type { Cluster, PortClaim, PortSpan, Range, Registry, Reservation } from '../core/types.ts';
import { registryClaims } from './claims.ts';
import { meshRoutes, type MeshRoute } from './mesh.ts';

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
      throw new InputError(`no service "${name}" in ${registry.file}`, undefined, suggestion(name, registry.services.map((s) => s.name), 'services'));
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
  const claims = registryClaims(registry).filter((claim) => claim.port === port);
  return {
    port,
    ranges: new RangeIndex(registry.ranges).rangesOf(port),
    reservations: registry.reserved.filter((reservation) => inSpans(port, reservation.spans)),
    clusters: registry.clusters.map((cluster) => ({ cluster, claims: claims.filter((claim) => claim.cluster === cluster.name) })),
    routes: meshRoutes(registry).filter((route) => claims.some((claim) => claim.service === route.service && claim.cluster === route.to)),
  };
}

/** The cluster called `name`, or an error that lists the valid ones. */
export function clusterNamed(registry: Registry, name: string): Cluster {
  const cluster = registry.clusters.find((c) => c.name === name);
  if (cluster) return cluster;
  const names = registry.clusters.map((c) => c.name);
  throw new InputError(`no cluster "${name}" in ${registry.file}`, undefined, suggestion(name, names, 'clusters'));
}

/** The range called `name`, or an error that lists the valid ones. */
export function rangeNamed(registry: Registry, name: string): Range {
  const range = registry.ranges.find((r) => r.name === name);
  if (range) return range;
  const names = registry.ranges.map((r) => r.name);
  throw new InputError(`no range "${name}" in ${registry.file}`, undefined, suggestion(name, names, 'ranges'));
}

import { InputError } from '../core/errors.ts';
import { dynamicBand, formatSpans, inSpans, spanSize } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import type { PortClaim, PortSpan, Range, Registry, Service } from '../core/types.ts';
import { conflictingClaims } from '../rules/port-conflict.ts';
import { registryClaims } from './claims.ts';
import { meshRoutes, type MeshRoute } from './mesh.ts';
import { rangeNamed } from './queries.ts';

/**
 * The state of one port in one cluster on the dashboard's map, one letter each, worst first:
 * c conflict (two services hold it), m mismatch (the service holds another port in another
 * cluster), f foreign (held by a service of another range), h held, r reserved, d free but in
 * the cluster's dynamic NodePort band, . free.
 */
export type CellState = 'c' | 'm' | 'f' | 'h' | 'r' | 'd' | '.';

/** Every state, worst first: the folded row of a range shows the worst one of each cluster. */
export const CELL_STATES: readonly CellState[] = ['c', 'm', 'f', 'h', 'r', 'd', '.'];

/** A folded range: how many of its ports each cluster holds, and the worst state each cluster has there. */
export interface RangeFold {
  name: string;
  ports: string;
  description: string | null;
  size: number;
  /** Per cluster, in the summary's cluster order: ports held (conflicts and mismatches included). */
  used: number[];
  /** Per cluster: the worst state of any of the range's ports, as a string of one letter a cluster. */
  worst: string;
  /** Over every cluster: how many cells are in each state but free. */
  counts: Record<Exclude<CellState, '.'>, number>;
}

/** The whole map folded: every cluster and every range, one row a range. */
export interface MapSummary {
  clusters: string[];
  ranges: RangeFold[];
  /** Allocations in the registry (one per service port per cluster). */
  allocations: number;
}

/** One holder of a cell, for the map's hover and click. */
export interface CellHolder {
  cluster: number;
  port: number;
  service: string;
  portName: string | null;
  range: string | null;
  at: string;
}

/** An opened range (or one page of a large one): a row of states per cluster, and who holds what. */
export interface RangeCells {
  range: string;
  ports: string;
  /** The ports of this page, in order: column i of every row is port `columns[i]`. */
  columns: number[];
  clusters: string[];
  /** One string per cluster, one state letter per column. */
  rows: string[];
  holders: CellHolder[];
  /** Each holding service's ports in every cluster, in words, for the hover. */
  services: Record<string, string>;
  /** The first port of the next page, or null on the last. */
  next: number | null;
}

/** How many columns one page of an opened range has at most. */
export const PAGE_PORTS = 500;

interface Layout {
  claims: PortClaim[];
  clusterIndex: Map<string, number>;
  /** Claims by cluster and port: key cluster * 65536 + port. */
  byCell: Map<number, PortClaim[]>;
  /** Keys of cells two services collide on, and of claims whose port differs across clusters. */
  conflicts: Set<number>;
  mismatches: Set<PortClaim>;
  /** Per cluster: its NodePort range and the dynamic band above the static one. */
  bands: { nodePorts: PortSpan; dynamic: PortSpan }[];
}

// The server asks for the map of one held registry many times: it is laid out once.
const layouts = new WeakMap<Registry, Layout>();

function layoutOf(registry: Registry): Layout {
  let layout = layouts.get(registry);
  if (layout) return layout;
  const claims = registryClaims(registry);
  const clusterIndex = new Map(registry.clusters.map((cluster, i) => [cluster.name, i]));
  const byCell = new Map<number, PortClaim[]>();
  for (const claim of claims) {
    const key = clusterIndex.get(claim.cluster)! * 65536 + claim.port;
    const list = byCell.get(key);
    if (list) list.push(claim);
    else byCell.set(key, [claim]);
  }
  const conflicts = new Set<number>();
  for (const group of conflictingClaims(claims)) conflicts.add(clusterIndex.get(group[0]!.cluster)! * 65536 + group[0]!.port);
  // Rule 3's view: one service port with more than one number across its clusters.
  const numbers = new Map<string, Set<number>>();
  const keyOf = (claim: PortClaim) => `${claim.service}\0${claim.portName ?? ''}\0${claim.protocol}`;
  for (const claim of claims) {
    const key = keyOf(claim);
    const seen = numbers.get(key);
    if (seen) seen.add(claim.port);
    else numbers.set(key, new Set([claim.port]));
  }
  const mismatches = new Set(claims.filter((claim) => numbers.get(keyOf(claim))!.size > 1));
  const bands = registry.clusters.map((cluster) => ({ nodePorts: cluster.nodePortRange, dynamic: dynamicBand(cluster.nodePortRange) }));
  layout = { claims, clusterIndex, byCell, conflicts, mismatches, bands };
  layouts.set(registry, layout);
  return layout;
}

/** The state of port `port` of range `range` in cluster number `cluster`. */
function cellState(registry: Registry, layout: Layout, range: Range, cluster: number, port: number): CellState {
  const key = cluster * 65536 + port;
  const claims = layout.byCell.get(key);
  if (claims) {
    if (layout.conflicts.has(key)) return 'c';
    if (claims.some((claim) => layout.mismatches.has(claim))) return 'm';
    if (claims.some((claim) => claim.range !== range.name)) return 'f';
    return 'h';
  }
  const name = registry.clusters[cluster]!.name;
  if (registry.reserved.some((r) => (r.clusters.length === 0 || r.clusters.includes(name)) && inSpans(port, r.spans))) return 'r';
  const { nodePorts, dynamic } = layout.bands[cluster]!;
  if (port >= nodePorts.from && port <= nodePorts.to && port >= dynamic.from && port <= dynamic.to) return 'd';
  return '.';
}

/** Every port of a range's spans, in order, from `from` on, at most `limit` of them; and the one after. */
function portsOf(range: Range, from: number, limit: number): { columns: number[]; next: number | null } {
  const columns: number[] = [];
  for (const span of range.spans) {
    for (let port = Math.max(span.from, from); port <= span.to; port++) {
      if (columns.length === limit) return { columns, next: port };
      columns.push(port);
    }
  }
  return { columns, next: null };
}

/** The map folded: one row a range, with each cluster's use and worst state. */
export function mapSummary(registry: Registry): MapSummary {
  const layout = layoutOf(registry);
  const ranges = registry.ranges.map((range): RangeFold => {
    const counts = { c: 0, m: 0, f: 0, h: 0, r: 0, d: 0 };
    const used: number[] = [];
    let worst = '';
    const { columns } = portsOf(range, 0, Infinity);
    registry.clusters.forEach((_cluster, c) => {
      let held = 0;
      let rank = CELL_STATES.length - 1;
      for (const port of columns) {
        const state = cellState(registry, layout, range, c, port);
        if (state === '.') continue;
        counts[state]++;
        if (state === 'c' || state === 'm' || state === 'f' || state === 'h') held++;
        rank = Math.min(rank, CELL_STATES.indexOf(state));
      }
      used.push(held);
      worst += CELL_STATES[rank];
    });
    return { name: range.name, ports: formatSpans(range.spans), description: range.description ?? null, size: spanSize(range.spans), used, worst, counts };
  });
  return { clusters: registry.clusters.map((c) => c.name), ranges, allocations: layout.claims.length };
}

/** One page of an opened range: from port `from` (its first by default), at most PAGE_PORTS columns. */
export function rangeCells(registry: Registry, rangeName: string, from = 0): RangeCells {
  const range = rangeNamed(registry, rangeName);
  const layout = layoutOf(registry);
  const { columns, next } = portsOf(range, from, PAGE_PORTS);
  const holders: CellHolder[] = [];
  const rows = registry.clusters.map((_cluster, c) => {
    let row = '';
    for (const port of columns) {
      row += cellState(registry, layout, range, c, port);
      for (const claim of layout.byCell.get(c * 65536 + port) ?? []) {
        holders.push({ cluster: c, port, service: claim.service, portName: claim.portName ?? null, range: claim.range ?? null, at: `${claim.at.file}:${claim.at.line}` });
      }
    }
    return row;
  });
  const services: Record<string, string> = {};
  for (const holder of holders) services[holder.service] ??= portsInWords(serviceNamed(registry, holder.service));
  return { range: range.name, ports: formatSpans(range.spans), columns, clusters: registry.clusters.map((c) => c.name), rows, holders, services, next };
}

/** Everything the dashboard shows of one service: its ports in every cluster, how it is exposed and reached. */
export interface ServiceDetail {
  service: Service;
  /** Each port with its number in each cluster the service runs in. */
  ports: { name: string | null; protocol: string; servicePort: number | null; clusters: { cluster: string; port: number }[]; at: string }[];
  /** How other clusters reach it through the mesh. */
  routes: MeshRoute[];
}

/** The service called `name`, with its ports per cluster and its mesh routes. */
export function serviceDetail(registry: Registry, name: string): ServiceDetail {
  const service = serviceNamed(registry, name);
  const ports = service.ports.map((port) => ({
    name: port.name ?? null,
    protocol: port.protocol,
    servicePort: port.servicePort ?? null,
    clusters: service.clusters.map((cluster) => ({ cluster, port: port.overrides.find((o) => o.cluster === cluster)?.port ?? port.port })),
    at: `${port.at.file}:${port.at.line}`,
  }));
  return { service, ports, routes: meshRoutes(registry, { service: name }) };
}

/** What a search box's words ask for: a port's holders, a range's next free port, or services by name. */
export interface SearchAnswer {
  query: string;
  /** A port number the words name ("30081", "who holds 30081"). */
  port: number | null;
  /** A range the words name ("next free in ai-agents", "ai-agents"). */
  range: string | null;
  /** Services whose name contains the words, those that start with them first; at most 20. */
  services: string[];
}

/** Reads a search box: a port, a range (with or without "next free in"), or part of a service's name. */
export function searchRegistry(registry: Registry, query: string): SearchAnswer {
  const words = query.trim().toLowerCase().replace(/\s+/g, ' ');
  const number = /(?:^|\D)(\d{1,5})(?:\D|$)/.exec(words)?.[1];
  const port = number !== undefined && Number(number) >= 1 && Number(number) <= 65535 ? Number(number) : null;
  const rest = words.replace(/^(who holds|who has|who|next free( port)? in|free in|free|next free)\s*/, '').trim();
  const range = registry.ranges.find((r) => r.name === rest)?.name ?? null;
  const services: string[] = [];
  if (rest !== '' && port === null) {
    const starting: string[] = [];
    for (const service of registry.services) {
      if (!service.name.includes(rest)) continue;
      (service.name.startsWith(rest) ? starting : services).push(service.name);
      if (starting.length >= 20) break;
    }
    services.unshift(...starting);
    services.splice(20);
  }
  return { query: words, port, range, services };
}

function serviceNamed(registry: Registry, name: string): Service {
  const service = registry.services.find((s) => s.name === name);
  if (service) return service;
  throw new InputError(`no service "${name}" in ${registry.file}`, undefined, suggestion(name, registry.services.map((s) => s.name), 'services'));
}

/** `api 30210, health 30211` or `30081 (pro 30082)`: a service's ports, overrides by cluster in brackets. */
function portsInWords(service: Service): string {
  return service.ports
    .map((port) => {
      const overrides = port.overrides.length > 0 ? ` (${port.overrides.map((o) => `${o.cluster} ${o.port}`).join(', ')})` : '';
      return `${port.name !== undefined ? `${port.name} ` : ''}${port.port}${port.protocol !== 'TCP' ? `/${port.protocol}` : ''}${overrides}`;
    })
    .join(', ');
}

import { InputError, UsageError } from '../core/errors.ts';
import { RangeIndex } from '../core/range-index.ts';
import { formatSpan, formatSpans, inSpans } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import { claimLabel, type Cluster, type Exposure, type PortClaim, type PortOverride, type PortSpan, type Protocol, type Range, type Registry, type Reservation, type Service, type ServicePort } from '../core/types.ts';
import { registryClaims } from '../engine/claims.ts';
import { clusterNamed, rangeNamed } from '../engine/queries.ts';
import { blockedPorts, describeRange, dynamicBands, lowestFreeBlock, rangesWithRoom } from './search.ts';
import { takenByCluster } from './taken.ts';

/** A service or port name as the registry accepts it: lower-case letters, digits and dashes. */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One port of an allocation. */
export interface PlannedPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

/** What `portolan allocate` asks for. */
export interface AllocationRequest {
  service: string;
  range?: string;
  /** The clusters the service runs in; none means every cluster. */
  clusters: readonly string[];
  /** A given first port, instead of the lowest free one. */
  port?: number;
  protocol: Protocol;
  /** Port names; several get a block of consecutive ports. None means one unnamed port. */
  names: readonly string[];
  exposure?: Exposure;
  /** Keep out of every cluster's dynamic NodePort band. */
  staticBand: boolean;
}

/** A new service entry with its ports, the same in every cluster it runs in. */
export interface Allocation {
  service: string;
  range?: Range;
  clusters: string[];
  /** True when no cluster was named, so the entry runs everywhere. */
  allClusters: boolean;
  exposure?: Exposure;
  ports: PlannedPort[];
}

/** Picks the lowest block of ports free in every named cluster, or checks a given one. */
export function planAllocation(registry: Registry, request: AllocationRequest): Allocation {
  checkName(request.service, 'service');
  const existing = registry.services.find((s) => s.name === request.service);
  if (existing) {
    throw new InputError(`service ${request.service} is already in the registry (${describePorts(existing)})`, existing.at, 'use `portolan move` to change its port, or choose another name', { kind: 'taken' });
  }
  for (const name of request.names) checkName(name, 'port');
  const duplicate = request.names.find((name, i) => request.names.indexOf(name) !== i);
  if (duplicate) throw new UsageError(`port name "${duplicate}" is given twice`);
  const clusters = clustersOf(registry, request.clusters);
  let range: Range | undefined;
  if (request.range !== undefined) range = rangeNamed(registry, request.range);
  else if (request.port !== undefined) range = new RangeIndex(registry.ranges).rangesOf(request.port)[0];
  else throw new UsageError('give --range RANGE to pick the next free port there, or --port N');
  const count = Math.max(1, request.names.length);
  const ports = placeBlock(registry, {
    clusters,
    range,
    count,
    at: request.port,
    flag: '--port',
    nodePorts: (request.exposure ?? 'NodePort') !== 'ClusterIP',
    staticBand: request.staticBand,
    ignore: () => false,
  });
  return {
    service: request.service,
    ...(range ? { range } : {}),
    clusters: clusters.map((c) => c.name),
    allClusters: request.clusters.length === 0,
    ...(request.exposure ? { exposure: request.exposure } : {}),
    ports: ports.map((port, i) => ({ ...(request.names[i] ? { name: request.names[i] } : {}), port, protocol: request.protocol })),
  };
}

/** What `portolan move` asks for: a given port (`to`) or the next free one in the range. */
export interface MoveRequest {
  service: string;
  to?: number;
  /** Another range to move into; the service's own range by default. */
  range?: string;
  /** Move only this named port. */
  portName?: string;
  staticBand: boolean;
}

/** One port of a service changing number. */
export interface PortMove {
  port: ServicePort;
  from: number;
  to: number;
  /** The clusters where the port had another number; the move gives it `to` there too. */
  overrides: PortOverride[];
}

/** A service's ports moving to new numbers. */
export interface Move {
  service: Service;
  range?: Range;
  moves: PortMove[];
  /** The other parties that held the moved ports in the service's clusters: the conflicts the move settles. */
  conflicts: PortClaim[];
}

/**
 * Moves a service's port (or block of ports) to `to`, or to the lowest free block of its range,
 * counting its own current ports as free: the way to settle a conflict by moving one party.
 */
export function planMove(registry: Registry, request: MoveRequest): Move {
  const service = serviceNamed(registry, request.service);
  let ports = service.ports;
  if (request.portName !== undefined) {
    const named = service.ports.find((p) => p.name === request.portName);
    if (!named) throw new InputError(`service ${service.name} has no port "${request.portName}"`, service.at, suggestion(request.portName, service.ports.flatMap((p) => (p.name ? [p.name] : [])), 'ports'));
    ports = [named];
  }
  const rangeName = request.range ?? service.range;
  const range = rangeName === undefined ? undefined : rangeNamed(registry, rangeName);
  if (request.to === undefined && !range) {
    throw new InputError(`service ${service.name} belongs to no range, so there is no "next" port`, service.at, 'give --to N, or --range RANGE');
  }
  const clusters = service.clusters.map((name) => clusterNamed(registry, name));
  const moving = new Set(ports.map((p) => claimLabel({ service: service.name, ...(p.name ? { portName: p.name } : {}) })));
  const placed = placeBlock(registry, {
    clusters,
    range,
    count: ports.length,
    at: request.to,
    flag: '--to',
    nodePorts: service.exposure !== 'ClusterIP',
    staticBand: request.staticBand,
    ignore: (claim) => claim.service === service.name && moving.has(claimLabel(claim)),
  });
  // What the service holds now, cluster by cluster (overrides included): the other holders of those ports are the conflicts settled.
  const claims = registryClaims(registry);
  const held = new Set(claims.filter((claim) => claim.service === service.name && moving.has(claimLabel(claim))).map((claim) => `${claim.cluster}/${claim.port}`));
  const conflicts = claims.filter((claim) => claim.service !== service.name && held.has(`${claim.cluster}/${claim.port}`));
  const moves = ports.map((port, i) => ({ port, from: port.port, to: placed[i]!, overrides: port.overrides }));
  return { service, ...(range ? { range } : {}), moves, conflicts };
}

/** What `portolan release` asks for: the whole service, or only some of its clusters. */
export interface ReleaseRequest {
  service: string;
  clusters: readonly string[];
}

/** A service leaving the registry, or leaving some clusters. */
export interface Release {
  service: Service;
  /** The clusters it leaves. */
  removed: string[];
  /** The clusters it stays in; none when the entry is deleted. */
  remaining: string[];
  deleted: boolean;
}

/** Frees a service's ports everywhere, or in the named clusters only. */
export function planRelease(registry: Registry, request: ReleaseRequest): Release {
  const service = serviceNamed(registry, request.service);
  if (request.clusters.length === 0) return { service, removed: service.clusters, remaining: [], deleted: true };
  for (const name of request.clusters) {
    clusterNamed(registry, name);
    if (!service.clusters.includes(name)) {
      throw new InputError(`service ${service.name} does not run in cluster ${name}`, service.clustersAt, `it runs in ${service.clusters.join(', ')}`);
    }
  }
  const remaining = service.clusters.filter((name) => !request.clusters.includes(name));
  return { service, removed: [...request.clusters], remaining, deleted: remaining.length === 0 };
}

/** What `portolan reserve` asks for. */
export interface ReservationRequest {
  span: PortSpan;
  reason: string;
  /** None means every cluster. */
  clusters: readonly string[];
}

/** Ports to keep from everybody, checked to be free now. */
export interface PlannedReservation {
  span: PortSpan;
  reason: string;
  clusters: string[];
  /** The reservation of the same ports in the same clusters that is already there: nothing to add. */
  existing?: Reservation;
}

/** Reserves a span, refusing when a service holds one of its ports in one of the clusters. */
export function planReservation(registry: Registry, request: ReservationRequest): PlannedReservation {
  if (request.reason.trim() === '') throw new UsageError('--reason must say why the ports are kept');
  const clusters = clustersOf(registry, request.clusters);
  const names = new Set(clusters.map((c) => c.name));
  const holders = registryClaims(registry).filter((claim) => names.has(claim.cluster) && claim.port >= request.span.from && claim.port <= request.span.to);
  if (holders.length > 0) throw heldError(holders, `${formatSpan(request.span)} cannot be reserved`, 'reserve other ports, or move or release the service first');
  const same = registry.reserved.find(
    (r) => r.spans.length === 1 && r.spans[0]!.from === request.span.from && r.spans[0]!.to === request.span.to && sameClusters(r.clusters, request.clusters),
  );
  return { span: request.span, reason: request.reason, clusters: [...request.clusters], ...(same ? { existing: same } : {}) };
}

function sameClusters(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/** The service called `name`, or an error that suggests the nearest. */
export function serviceNamed(registry: Registry, name: string): Service {
  const service = registry.services.find((s) => s.name === name);
  if (service) return service;
  throw new InputError(`no service "${name}" in ${registry.file}`, undefined, suggestion(name, registry.services.map((s) => s.name), 'services'), { kind: 'not-found' });
}

interface Placement {
  clusters: Cluster[];
  range: Range | undefined;
  count: number;
  /** A given first port; the lowest free block of the range when absent. */
  at: number | undefined;
  /** The command's flag that gave `at`, for the hints: `--port` or `--to`. */
  flag: string;
  /** Whether the ports are node ports, which must lie in every cluster's NodePort range. */
  nodePorts: boolean;
  staticBand: boolean;
  /** Claims that do not count as taken (the moving service's own). */
  ignore: (claim: PortClaim) => boolean;
}

/** The `count` consecutive ports to use: checked when given, searched for otherwise. */
function placeBlock(registry: Registry, placement: Placement): number[] {
  const { clusters, range, count, at } = placement;
  const claims = registryClaims(registry).filter((claim) => !placement.ignore(claim));
  const taken = takenByCluster(registry, claims);
  const avoid = placement.staticBand ? dynamicBands(clusters) : [];
  const outside = placement.nodePorts ? clusters.flatMap((c) => outsideSpans(c.nodePortRange)) : [];
  const blocked = blockedPorts(clusters.map((c) => taken.get(c.name)!), [...avoid, ...outside]);
  const block = (first: number) => Array.from({ length: count }, (_, i) => first + i);
  if (at !== undefined) {
    const ports = block(at);
    if (ports[ports.length - 1]! > 65535) throw new UsageError(`${count} ports from ${at} would pass 65535`);
    refuseTaken(registry, ports, clusters, claims, avoid, placement.flag);
    if (placement.nodePorts) refuseOutsideNodePortRange(ports, clusters, placement.flag);
    const stray = range ? ports.find((port) => !inSpans(port, range.spans)) : undefined;
    if (range && stray !== undefined) throw new InputError(`port ${stray} is not in range ${describeRange(range)}`, range.at, 'give a port inside the range, or another --range');
    return ports;
  }
  const first = lowestFreeBlock(range!.spans, blocked, count);
  if (first !== undefined) return block(first);
  throw fullRangeError(registry, range!, clusters, blocked, count, placement.staticBand);
}

/** Refuses ports that a service holds, a reservation keeps, or (with --static-band) the dynamic band covers. */
function refuseTaken(registry: Registry, ports: number[], clusters: Cluster[], claims: PortClaim[], avoid: PortSpan[], flag: string): void {
  const names = new Set(clusters.map((c) => c.name));
  const wanted = new Set(ports);
  const hint = nextFreeHint(flag);
  const holders = claims.filter((claim) => names.has(claim.cluster) && wanted.has(claim.port));
  if (holders.length > 0) throw heldError(holders, `port ${holders[0]!.port} is taken`, hint);
  for (const reservation of registry.reserved) {
    if (reservation.clusters.length > 0 && !reservation.clusters.some((c) => names.has(c))) continue;
    const port = ports.find((p) => inSpans(p, reservation.spans));
    if (port !== undefined) throw new InputError(`port ${port} is reserved: ${reservation.reason}`, reservation.at, hint, { kind: 'taken' });
  }
  const banded = ports.find((p) => inSpans(p, avoid));
  if (banded !== undefined) {
    throw new InputError(`port ${banded} is in a cluster's dynamic NodePort band (${formatSpans(avoid)})`, undefined, 'automatic NodePorts are handed out there first; drop --static-band or choose a lower port');
  }
}

/** Refuses node ports outside a cluster's NodePort range, which the API server would reject. */
function refuseOutsideNodePortRange(ports: number[], clusters: Cluster[], flag: string): void {
  for (const cluster of clusters) {
    const port = ports.find((p) => p < cluster.nodePortRange.from || p > cluster.nodePortRange.to);
    if (port === undefined) continue;
    throw new InputError(
      `port ${port} is outside the NodePort range of cluster ${cluster.name} (${formatSpan(cluster.nodePortRange)}), so the API server would refuse it`,
      cluster.nodePortRangeAt,
      flag === '--port' ? `give a port inside it, drop --port to get the next free one, or use --exposure ClusterIP for a port that is no node port` : `give a port inside it, or --next for the next free one`,
    );
  }
}

/** What to do instead of a port that cannot be had, in the flags of the command that asked for it. */
function nextFreeHint(flag: string): string {
  return flag === '--port' ? 'choose another port, or drop --port to get the next free one' : 'choose another port, or use --next for the next free one';
}

/** The ports below and above a NodePort range. */
function outsideSpans(range: PortSpan): PortSpan[] {
  return [
    ...(range.from > 1 ? [{ from: 1, to: range.from - 1 }] : []),
    ...(range.to < 65535 ? [{ from: range.to + 1, to: 65535 }] : []),
  ];
}

function heldError(holders: PortClaim[], what: string, hint: string): InputError {
  const first = holders[0]!;
  const names = [...new Set(holders.map((h) => `${claimLabel(h)} holds ${h.port} in ${h.cluster}`))];
  return new InputError(`${what}: ${names.join('; ')}`, first.at, hint, { kind: 'taken' });
}

function fullRangeError(registry: Registry, range: Range, clusters: Cluster[], blocked: ReturnType<typeof blockedPorts>, count: number, staticBand: boolean): InputError {
  const where = clusters.length === 1 ? `cluster ${clusters[0]!.name}` : `clusters ${clusters.map((c) => c.name).join(', ')}`;
  const what = count === 1 ? 'no free port' : `no ${count} consecutive free ports`;
  const room = rangesWithRoom(registry.ranges, range, blocked, count).slice(0, 5);
  const hint = room.length
    ? `ranges with room: ${room.map((r) => `${describeRange(r.range)}: ${r.free} free, next ${r.next}`).join('; ')}; or widen ${range.name}`
    : `no range has room${staticBand ? ' outside the dynamic NodePort band' : ''}; widen ${range.name} or add a range`;
  return new InputError(`range ${describeRange(range)} has ${what} in ${where}${staticBand ? ' outside the dynamic NodePort band' : ''}`, range.at, hint, { kind: 'taken' });
}

function clustersOf(registry: Registry, names: readonly string[]): Cluster[] {
  if (registry.clusters.length === 0) throw new InputError(`${registry.file} names no clusters`, registry.at, 'add one under `clusters:`');
  return names.length === 0 ? registry.clusters : names.map((name) => clusterNamed(registry, name));
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name) || name.length > 63) {
    throw new UsageError(`"${name}" is not a valid ${what} name; use lower-case letters, digits and dashes, at most 63, starting and ending with a letter or digit`);
  }
}

function describePorts(service: Service): string {
  return service.ports.map((p) => (p.name ? `${p.name}: ${p.port}` : String(p.port))).join(', ');
}

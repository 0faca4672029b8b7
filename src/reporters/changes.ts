import type { Allocation, Move, PlannedPort, PlannedReservation, Release } from '../allocate/plan.ts';
import { formatSpan } from '../core/span.ts';

/** Ports as `30214`, or `api 30214, health 30215` when they have names; UDP and SCTP say so. */
export function plannedPortsText(ports: readonly PlannedPort[]): string {
  return ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}${p.protocol === 'TCP' ? '' : `/${p.protocol}`}`).join(', ');
}

/** Where an allocation holds: `range ai-agents, cluster studio`. */
export function allocationWhere(allocation: Allocation): string {
  const clusters = allocation.allClusters ? 'every cluster' : `${allocation.clusters.length === 1 ? 'cluster' : 'clusters'} ${allocation.clusters.join(', ')}`;
  return `${allocation.range ? `range ${allocation.range.name}, ` : ''}${clusters}`;
}

/** An allocation in a commit message's words: `agent-x 30214 (range ai-agents, cluster studio)`. */
export function describeAllocation(allocation: Allocation): string {
  return `${allocation.service} ${plannedPortsText(allocation.ports)} (${allocationWhere(allocation)})`;
}

/** A move as `flyte-console 30081 -> 30104`, or `health 30052 (30053 in pro) -> 30054`. */
export function describeMove(move: Move): string {
  const changed = move.moves.filter((m) => m.from !== m.to || m.overrides.length > 0);
  if (changed.length === 0) return `${move.service.name} stays at ${move.moves.map((m) => m.from).join(', ')}`;
  const from = (m: Move['moves'][number]) => `${m.from}${m.overrides.length ? ` (${m.overrides.map((o) => `${o.port} in ${o.cluster}`).join(', ')})` : ''}`;
  return `${move.service.name} ${changed.map((m) => `${m.port.name ? `${m.port.name} ` : ''}${from(m)} -> ${m.to}`).join(', ')}`;
}

/** A release as `agent-x (30214) from every cluster` or `from cluster pro`. */
export function describeRelease(release: Release): string {
  const ports = release.service.ports.map((p) => p.port).join(', ');
  const where = release.deleted ? 'every cluster' : `${release.removed.length === 1 ? 'cluster' : 'clusters'} ${release.removed.join(', ')}`;
  return `${release.service.name} (${ports}) from ${where}`;
}

/** A reservation as `30290-30299 (every cluster): reason`. */
export function describeReservation(reservation: PlannedReservation): string {
  const where = reservation.clusters.length === 0 ? 'every cluster' : reservation.clusters.join(', ');
  return `${formatSpan(reservation.span)} (${where}): ${reservation.reason}`;
}

import type { Allocation, Move, PlannedPort, PlannedReservation, Release } from '../engine/registry-changes.ts';
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

/** The JSON of a change (allocate, move, release, reserve) as `--format json` and the API give it. */
export type ChangeJson = Record<string, unknown>;

/** An allocation's own fields in the JSON answer. */
export function allocationJson(allocation: Allocation): ChangeJson {
  return {
    action: 'allocate',
    service: allocation.service,
    range: allocation.range?.name ?? null,
    clusters: allocation.clusters,
    ports: allocation.ports.map((p) => ({ name: p.name ?? null, port: p.port, protocol: p.protocol })),
  };
}

/** An allocation as the CLI's first line: `agent-x: 30214 (range ai-agents, cluster studio)`. */
export function allocationText(allocation: Allocation): string {
  return `${allocation.service}: ${plannedPortsText(allocation.ports)} (${allocationWhere(allocation)})`;
}

/** A release's own fields in the JSON answer. */
export function releaseJson(release: Release): ChangeJson {
  return {
    action: 'release',
    service: release.service.name,
    ports: release.service.ports.map((p) => ({ name: p.name ?? null, port: p.port, protocol: p.protocol })),
    removed: release.removed,
    remaining: release.remaining,
    deleted: release.deleted,
  };
}

/** A release as the CLI's first line. */
export function releaseText(release: Release): string {
  return `released ${describeRelease(release)}`;
}

/** A move's own fields in the JSON answer. */
export function moveJson(move: Move): ChangeJson {
  return {
    action: 'move',
    service: move.service.name,
    range: move.range?.name ?? null,
    clusters: move.service.clusters,
    ports: move.moves.map((m) => ({ name: m.port.name ?? null, from: m.from, port: m.to, protocol: m.port.protocol, ...(m.overrides.length ? { overrides: m.overrides.map((o) => ({ cluster: o.cluster, from: o.port })) } : {}) })),
    conflicts: move.conflicts.map((c) => ({ service: c.service, portName: c.portName ?? null, cluster: c.cluster, port: c.port })),
  };
}

/** A reservation's own fields in the JSON answer. */
export function reservationJson(reservation: PlannedReservation): ChangeJson {
  return {
    action: 'reserve',
    ports: formatSpan(reservation.span),
    reason: reservation.existing?.reason ?? reservation.reason,
    clusters: reservation.clusters,
    alreadyReserved: reservation.existing !== undefined,
  };
}

/** A reservation as the CLI's first line. */
export function reservationText(reservation: PlannedReservation): string {
  return reservation.existing ? `already reserved: ${describeReservation({ ...reservation, reason: reservation.existing.reason })}` : `reserved ${describeReservation(reservation)}`;
}

/** What a change did, as the reporters see it: files, manifest lines, the commit and notes. */
export interface ChangeReport {
  files: readonly string[];
  manifestChanges: readonly string[];
  commit?: string;
  notes: readonly string[];
  diffs?: readonly { file: string; diff: string }[];
}

/** The whole JSON answer of a change: its own fields, then what was (or would be) written. */
export function changeOutcomeJson(own: ChangeJson, outcome: ChangeReport, dryRun: boolean): ChangeJson {
  return { ...own, dryRun, files: outcome.files, manifestChanges: outcome.manifestChanges, commit: outcome.commit ?? null, notes: outcome.notes, ...(outcome.diffs ? { diffs: outcome.diffs } : {}) };
}

/** The text answer of a change: its first line, the files written and the commit. */
export function changeOutcomeText(first: string, outcome: ChangeReport, dryRun: boolean): string {
  const lines = [first];
  const verb = dryRun ? 'would write' : 'wrote';
  for (const file of outcome.files) lines.push(`  ${verb} ${file}`);
  for (const change of outcome.manifestChanges) lines.push(`    ${change}`);
  if (outcome.files.length === 0) lines.push('  nothing to change');
  if (outcome.commit) lines.push(`  committed ${outcome.commit.slice(0, 12)}`);
  return `${lines.join('\n')}\n`;
}

import jsYaml from 'js-yaml';
import type { Allocation, Move, PlannedPort, PlannedReservation, Release } from '../allocate/plan.ts';
import type { Registry } from '../core/types.ts';
import { entryText, type YamlEdit } from '../yaml/yaml-edit.ts';
import type { YamlPath } from '../yaml/yaml-source.ts';

/** The registry file as plain values, to see how an entry is written (`port: 1` or `port: { port: 1 }`). */
export type RegistryText = Record<string, unknown>;

/** Reads the registry text as plain values. */
export function plainRegistry(text: string): RegistryText {
  return (jsYaml.load(text) ?? {}) as RegistryText;
}

/** One service's entry as plain values, in the registry's shape; read from the entry's own lines when the file allows, else from the whole file. */
export function plainService(text: string, service: string): RegistryText {
  const entry = entryText(text, 'services', service);
  if (entry !== undefined) {
    try {
      const value = jsYaml.load(entry) as Record<string, unknown> | null;
      if (value !== null && typeof value === 'object' && service in value) return { services: { [service]: value[service] } };
    } catch {
      // An entry that only reads within the whole file (an alias to elsewhere): read it all.
    }
  }
  return plainRegistry(text);
}

/** The edits that add an allocation's service entry, after the last service of the same range. */
export function allocationEdits(registry: Registry, allocation: Allocation): YamlEdit[] {
  const entry: Record<string, unknown> = {};
  if (allocation.range) entry.range = allocation.range.name;
  if (allocation.exposure) entry.exposure = allocation.exposure;
  if (!allocation.allClusters) entry.clusters = allocation.clusters;
  const [first] = allocation.ports;
  if (allocation.ports.length === 1 && first!.name === undefined) entry.port = portValue(first!);
  else entry.ports = Object.fromEntries(allocation.ports.map((port) => [port.name, portValue(port)]));
  const sameRange = registry.services.filter((s) => allocation.range && s.range === allocation.range.name);
  const after = sameRange[sameRange.length - 1]?.name;
  return [{ op: 'set', path: ['services', allocation.service], value: entry, ...(after ? { after } : {}) }];
}

/** The edits that give a service's ports their new numbers, in every cluster: per-cluster overrides go. */
export function moveEdits(plain: RegistryText, move: Move): YamlEdit[] {
  return move.moves.flatMap((m): YamlEdit[] => [
    ...(m.from !== m.to ? [{ op: 'set' as const, path: portNumberPath(plain, move.service.name, m.port.name), value: m.to }] : []),
    ...(m.port.overrides.length > 0 ? [{ op: 'delete' as const, path: [...portEntryPath(move.service.name, m.port.name), 'overrides'] }] : []),
  ]);
}

/** The edits that take a service out of the registry, or out of some clusters. */
export function releaseEdits(release: Release): YamlEdit[] {
  const name = release.service.name;
  if (release.deleted) return [{ op: 'delete', path: ['services', name] }];
  const edits: YamlEdit[] = [{ op: 'set', path: ['services', name, 'clusters'], value: release.remaining }];
  for (const port of release.service.ports) {
    const overrides = port.overrides.filter((o) => release.removed.includes(o.cluster));
    if (overrides.length === 0) continue;
    const base = portEntryPath(name, port.name);
    if (overrides.length === port.overrides.length) edits.push({ op: 'delete', path: [...base, 'overrides'] });
    else for (const o of overrides) edits.push({ op: 'delete', path: [...base, 'overrides', o.cluster] });
  }
  return edits;
}

/** The edit that adds a reservation at the end of `reserved:`; none when the same one is there. */
export function reservationEdits(reservation: PlannedReservation): YamlEdit[] {
  const { span } = reservation;
  if (reservation.existing) return [];
  const entry: Record<string, unknown> = {
    ports: span.from === span.to ? span.from : `${span.from}-${span.to}`,
    reason: reservation.reason,
  };
  if (reservation.clusters.length > 0) entry.clusters = reservation.clusters;
  return [{ op: 'append', path: ['reserved'], value: entry }];
}

function portValue(port: PlannedPort): number | { port: number; protocol: string } {
  return port.protocol === 'TCP' ? port.port : { port: port.port, protocol: port.protocol };
}

function portEntryPath(service: string, portName: string | undefined): YamlPath {
  return portName === undefined ? ['services', service, 'port'] : ['services', service, 'ports', portName];
}

/** Where a port's number is written: the entry itself, or its `port:` key when the entry is a mapping. */
function portNumberPath(plain: RegistryText, service: string, portName: string | undefined): YamlPath {
  const path = portEntryPath(service, portName);
  let node: unknown = plain;
  for (const segment of path) node = (node as Record<string, unknown> | undefined)?.[segment as string];
  return typeof node === 'object' && node !== null ? [...path, 'port'] : path;
}

import { planAllocation, planMove, planRelease, planReservation, type Allocation, type Move, type PlannedReservation, type Release } from '../allocate/plan.ts';
import { formatSpan } from '../core/span.ts';
import { claimLabel, type Exposure, type PortSpan, type Protocol } from '../core/types.ts';
import { allocationEdits, moveEdits, plainRegistry, plainService, releaseEdits, reservationEdits } from '../registry/edit.ts';
import { describeAllocation, describeMove, describeRelease } from '../reporters/changes.ts';
import type { LockHolder } from '../registry/lock.ts';
import { ruleIds } from '../rules/index.ts';
import { changeRegistry, type ChangeOutcome, type Decide, type RegistryChange } from './change.ts';
import { etagOf } from './registry-cache.ts';

export type { ChangeOutcome, RegistryChange } from './change.ts';
export type { Allocation, Move, PlannedPort, PlannedReservation, Release } from '../allocate/plan.ts';

/** How every registry change is carried out, whichever door asked for it. */
export interface ChangeRun {
  /** Decide and report, but write nothing. */
  dryRun?: boolean;
  /** With dryRun: each file's unified diff in the outcome. */
  preview?: boolean;
  /** Commit the changed files with git. */
  commit?: boolean;
  /** Manifest files whose node ports follow the change (allocate and move). */
  manifests?: readonly string[];
  /** For a HelmRelease manifest, where its node port is under spec.values. */
  valuesPath?: string;
  /** Why, for the commit message. */
  reason?: string;
  cwd: string;
  /** Let the manifests and the document lie outside the registry's repository. */
  allowOutside?: boolean;
  lockTimeoutMs?: number;
  /** Called once when another process holds the lock. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Change the registry only if it is still this version (an ETag), checked under the lock. */
  ifMatch?: string;
}

/** The registry is no longer the version the change was asked against (If-Match). */
export class StaleRegistryError extends Error {
  override readonly name = 'StaleRegistryError';
  constructor(readonly current: string) {
    super(`the registry has changed: it is now version ${current}; read it again and retry`);
  }
}

/** The decision, once the registry's version is what the caller expects. */
function guarded<T>(run: ChangeRun, decide: Decide<T>): Decide<T> {
  if (run.ifMatch === undefined) return decide;
  return (registry, text) => {
    const current = etagOf(text);
    if (current !== run.ifMatch && run.ifMatch !== '*') throw new StaleRegistryError(current);
    return decide(registry, text);
  };
}

/** A new service and the ports it asks for. */
export interface AllocateRequest {
  service: string;
  range?: string;
  clusters?: readonly string[];
  port?: number;
  protocol?: Protocol;
  names?: readonly string[];
  exposure?: Exposure;
  staticBand?: boolean;
}

/** A service to take out of the registry, everywhere or in some clusters. */
export interface ReleaseRequest {
  service: string;
  clusters?: readonly string[];
}

/** A service's port to renumber: to a given port, or (without `to`) to the next free one. */
export interface MoveRequest {
  service: string;
  to?: number;
  range?: string;
  portName?: string;
  staticBand?: boolean;
}

/** Ports to keep from everybody. */
export interface ReserveRequest {
  span: PortSpan;
  reason?: string;
  clusters?: readonly string[];
}

function changeOptions(run: ChangeRun) {
  return {
    dryRun: run.dryRun === true,
    preview: run.preview === true,
    commit: run.commit === true,
    manifests: run.manifests ?? [],
    ...(run.valuesPath ? { valuesPath: run.valuesPath } : {}),
    ruleIds,
    cwd: run.cwd,
    allowOutside: run.allowOutside === true,
    ...(run.lockTimeoutMs !== undefined ? { lockTimeoutMs: run.lockTimeoutMs } : {}),
    ...(run.onWait ? { onWait: run.onWait } : {}),
  };
}

/** Carries out a planned change on the registry file, under its lock, as the CLI does. */
function carryOut<T>(file: string, change: RegistryChange<T>): Promise<ChangeOutcome<T>> {
  return changeRegistry(file, change.decide, change.options);
}

/** `allocate`: the lowest free port (or block) of a range in every named cluster, written to the registry. */
export function allocatePorts(file: string, request: AllocateRequest, run: ChangeRun): Promise<ChangeOutcome<Allocation>> {
  return carryOut(file, allocationChange(request, run));
}

/** What `allocatePorts` changes, to be carried out by changeRegistry or by a server's held registry. */
export function allocationChange(request: AllocateRequest, run: ChangeRun): RegistryChange<Allocation> {
  return {
    decide: guarded(run, (registry) => {
      const allocation = planAllocation(registry, {
        service: request.service,
        ...(request.range !== undefined ? { range: request.range } : {}),
        clusters: [...(request.clusters ?? [])],
        ...(request.port !== undefined ? { port: request.port } : {}),
        protocol: request.protocol ?? 'TCP',
        names: [...(request.names ?? [])],
        ...(request.exposure ? { exposure: request.exposure } : {}),
        staticBand: request.staticBand === true,
      });
      return {
        result: allocation,
        edits: allocationEdits(registry, allocation),
        subject: `allocate ${describeAllocation(allocation)}`,
        body: [`Why: ${run.reason ?? `${request.service} is a new service and needs a port of its own.`}`],
        manifest: { names: [request.service], ports: allocation.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), to: p.port })) },
      };
    }),
    options: changeOptions(run),
  };
}

/** `release`: a service's ports freed, everywhere or in some clusters. */
export function releaseService(file: string, request: ReleaseRequest, run: ChangeRun): Promise<ChangeOutcome<Release>> {
  return carryOut(file, releaseChange(request, run));
}

/** What `releaseService` changes, to be carried out by changeRegistry or by a server's held registry. */
export function releaseChange(request: ReleaseRequest, run: ChangeRun): RegistryChange<Release> {
  return {
    decide: guarded(run, (registry) => {
      const release = planRelease(registry, { service: request.service, clusters: [...(request.clusters ?? [])] });
      return {
        result: release,
        edits: releaseEdits(release),
        subject: `release ${describeRelease(release)}`,
        body: [`Why: ${run.reason ?? `${request.service} no longer runs ${release.deleted ? 'anywhere' : `in ${release.removed.join(', ')}`}.`}`],
      };
    }),
    options: changeOptions(run),
  };
}

/** `move`: a service's port (or block) renumbered, to `to` or to the next free port of its range. */
export function moveService(file: string, request: MoveRequest, run: ChangeRun): Promise<ChangeOutcome<Move>> {
  return carryOut(file, moveChange(request, run));
}

/** What `moveService` changes, to be carried out by changeRegistry or by a server's held registry. */
export function moveChange(request: MoveRequest, run: ChangeRun): RegistryChange<Move> {
  return {
    decide: guarded(run, (registry, text) => {
      const move = planMove(registry, {
        service: request.service,
        ...(request.to !== undefined ? { to: request.to } : {}),
        ...(request.range !== undefined ? { range: request.range } : {}),
        ...(request.portName !== undefined ? { portName: request.portName } : {}),
        staticBand: request.staticBand === true,
      });
      const names = [move.service.kubernetesName, move.service.name].filter((n): n is string => n !== undefined);
      return {
        result: move,
        edits: moveEdits(plainService(text, move.service.name), move),
        subject: `move ${describeMove(move)}`,
        body: [`Why: ${run.reason ?? moveReason(move)}`],
        manifest: { names, ports: move.moves.map((m) => ({ ...(m.port.name ? { name: m.port.name } : {}), from: m.from, to: m.to })) },
      };
    }),
    options: changeOptions(run),
  };
}

/** `reserve`: ports kept from everybody, in every cluster or in some. */
export function reservePorts(file: string, request: ReserveRequest, run: ChangeRun): Promise<ChangeOutcome<PlannedReservation>> {
  return carryOut(file, reservationChange(request, run));
}

/** What `reservePorts` changes, to be carried out by changeRegistry or by a server's held registry. */
export function reservationChange(request: ReserveRequest, run: ChangeRun): RegistryChange<PlannedReservation> {
  return {
    decide: guarded(run, (registry) => {
      const reservation = planReservation(registry, { span: request.span, reason: request.reason ?? run.reason ?? '', clusters: [...(request.clusters ?? [])] });
      return {
        result: reservation,
        edits: reservationEdits(reservation),
        subject: `reserve ${formatSpan(request.span)}${reservation.clusters.length ? ` in ${reservation.clusters.join(', ')}` : ''}`,
        body: [`Why: ${reservation.reason}`],
      };
    }),
    options: changeOptions(run),
  };
}

function moveReason(move: Move): string {
  if (move.conflicts.length === 0) return `${move.service.name} gets a new port.`;
  const held = [...new Set(move.conflicts.map((c) => `${claimLabel(c)} also holds ${c.port} in ${c.cluster}`))];
  return `settle a port conflict: ${held.join('; ')}.`;
}

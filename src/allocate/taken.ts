import { inSpans } from '../core/span.ts';
import type { PortClaim, PortSpan, Registry } from '../core/types.ts';

/** The ports held in one cluster: one bit per port number, so a look-up is one array read. */
export class TakenPorts {
  private readonly bits = new Uint8Array(65536 / 8);
  /** The same bits, 32 at a time. */
  private readonly words = new Uint32Array(this.bits.buffer);

  /** Marks a port as held. */
  take(port: number): void {
    this.bits[port >> 3]! |= 1 << (port & 7);
  }

  /** Marks every port of the spans as held. */
  takeSpans(spans: readonly PortSpan[]): void {
    for (const span of spans) {
      let port = span.from;
      for (; port <= span.to && (port & 7) !== 0; port++) this.take(port);
      // Whole bytes at once: the ports outside a NodePort range are some 60,000.
      const bytes = (span.to + 1 - port) >> 3;
      if (bytes > 0) {
        this.bits.fill(0xff, port >> 3, (port >> 3) + bytes);
        port += bytes << 3;
      }
      for (; port <= span.to; port++) this.take(port);
    }
  }

  /** True when the port is held. */
  has(port: number): boolean {
    return (this.bits[port >> 3]! & (1 << (port & 7))) !== 0;
  }

  /** Marks every port the other set holds as held too. */
  takeAll(other: TakenPorts): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= other.words[i]!;
  }

  /** The lowest free port in `from`..`to`, skipping eight held ports at a time; undefined when all are held. */
  firstFree(from: number, to: number): number | undefined {
    let port = from;
    while (port <= to) {
      if ((port & 7) === 0 && this.bits[port >> 3] === 0xff) port += 8;
      else if (this.has(port)) port++;
      else return port;
    }
    return undefined;
  }

  /** A copy that can be changed without changing this one. */
  clone(): TakenPorts {
    const copy = new TakenPorts();
    copy.bits.set(this.bits);
    return copy;
  }
}

/**
 * What each cluster holds: every port the registry gives out there (whatever its kind: the plan
 * gives each number to one service) and every reserved port.
 */
export function takenByCluster(registry: Registry, claims: readonly PortClaim[]): Map<string, TakenPorts> {
  const taken = new Map<string, TakenPorts>();
  for (const cluster of registry.clusters) {
    const ports = new TakenPorts();
    for (const reservation of registry.reserved) {
      if (reservation.clusters.length === 0 || reservation.clusters.includes(cluster.name)) ports.takeSpans(reservation.spans);
    }
    taken.set(cluster.name, ports);
  }
  for (const claim of claims) taken.get(claim.cluster)?.take(claim.port);
  return taken;
}

/** The ports of `spans` free in every one of `clusters`, lowest first, at most `limit` of them. */
export function freePorts(spans: readonly PortSpan[], clusters: readonly TakenPorts[], limit = Infinity): number[] {
  const free: number[] = [];
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  for (const span of sorted) {
    for (let port = span.from; port <= span.to && free.length < limit; port++) {
      if (clusters.every((cluster) => !cluster.has(port))) free.push(port);
    }
  }
  return free;
}

/** True when `port` lies in one of the spans and is free in every cluster. */
export function isFree(port: number, spans: readonly PortSpan[], clusters: readonly TakenPorts[]): boolean {
  return inSpans(port, spans) && clusters.every((cluster) => !cluster.has(port));
}

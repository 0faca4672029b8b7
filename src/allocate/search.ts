import { formatSpans, spanSize, staticBand } from '../core/span.ts';
import type { Cluster, PortSpan, Range } from '../core/types.ts';
import { TakenPorts } from './taken.ts';

/** The ports that may not be given out: held in any of the clusters, or inside one of the `avoid` spans. */
export function blockedPorts(clusters: readonly TakenPorts[], avoid: readonly PortSpan[] = []): TakenPorts {
  const blocked = new TakenPorts();
  for (const cluster of clusters) blocked.takeAll(cluster);
  blocked.takeSpans(avoid);
  return blocked;
}

/** The first port of the lowest run of `count` consecutive free ports that lies inside one span. */
export function lowestFreeBlock(spans: readonly PortSpan[], blocked: TakenPorts, count = 1): number | undefined {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  for (const span of sorted) {
    let start = span.from;
    while (start + count - 1 <= span.to) {
      const first = blocked.firstFree(start, span.to - count + 1);
      if (first === undefined) break;
      let run = 1;
      while (run < count && !blocked.has(first + run)) run++;
      if (run === count) return first;
      start = first + run + 1;
    }
  }
  return undefined;
}

/**
 * Each cluster's dynamic NodePort band: the part of its NodePort range above the static band.
 * Since Kubernetes 1.29 the API server hands out automatic NodePorts from there first, so a port
 * chosen by hand in that band can be taken by a Service that asked for any port.
 */
export function dynamicBands(clusters: readonly Cluster[]): PortSpan[] {
  return clusters.map((cluster) => {
    const range = cluster.nodePortRange;
    const band = staticBand(range);
    return band ? { from: band.to + 1, to: range.to } : range;
  });
}

/** A range that still has room, as a full range's error lists it. */
export interface RangeWithRoom {
  range: Range;
  free: number;
  /** The lowest free block's first port. */
  next: number;
  /** How far the range lies from the full one, in ports. */
  distance: number;
}

/** The other ranges with room for `count` consecutive ports, nearest to `full` first. */
export function rangesWithRoom(ranges: readonly Range[], full: Range, blocked: TakenPorts, count = 1): RangeWithRoom[] {
  const room: RangeWithRoom[] = [];
  for (const range of ranges) {
    if (range === full) continue;
    const next = lowestFreeBlock(range.spans, blocked, count);
    if (next === undefined) continue;
    room.push({ range, free: countFree(range.spans, blocked), next, distance: spanDistance(full.spans, range.spans) });
  }
  return room.sort((a, b) => a.distance - b.distance || a.next - b.next);
}

/** Describes a range as `ai-agents (30200-30299)`. */
export function describeRange(range: Range): string {
  return `${range.name} (${formatSpans(range.spans)})`;
}

/** How many ports of the spans are free. */
export function countFree(spans: readonly PortSpan[], blocked: TakenPorts): number {
  let held = 0;
  for (const span of spans) for (let port = span.from; port <= span.to; port++) if (blocked.has(port)) held++;
  return spanSize(spans) - held;
}

function spanDistance(a: readonly PortSpan[], b: readonly PortSpan[]): number {
  let best = Infinity;
  for (const x of a) {
    for (const y of b) {
      const gap = y.from > x.to ? y.from - x.to : x.from > y.to ? x.from - y.to : 0;
      best = Math.min(best, gap);
    }
  }
  return best;
}

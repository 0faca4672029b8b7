import type { PortSpan } from './types.ts';

/** The lowest and highest valid TCP/UDP port. */
export const PORT_MIN = 1;
export const PORT_MAX = 65535;

/** The API server's default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE: PortSpan = { from: 30000, to: 32767 };

const SPAN = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;

/** Reads `30100-30199` or `8080`; returns undefined when the text is not a span. */
export function parseSpan(text: string): PortSpan | undefined {
  const match = SPAN.exec(text);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return { from, to };
}

/** Writes a span as `30100-30199`, or `8080` for a single port. */
export function formatSpan(span: PortSpan): string {
  return span.from === span.to ? String(span.from) : `${span.from}-${span.to}`;
}

/** Writes several spans as `80, 443, 8080-8089`. */
export function formatSpans(spans: readonly PortSpan[]): string {
  return spans.map(formatSpan).join(', ');
}

/** How many ports the spans hold. */
export function spanSize(spans: readonly PortSpan[]): number {
  let size = 0;
  for (const span of spans) size += span.to - span.from + 1;
  return size;
}

/** True when `port` lies in one of the spans. */
export function inSpans(port: number, spans: readonly PortSpan[]): boolean {
  for (const span of spans) if (port >= span.from && port <= span.to) return true;
  return false;
}

/** The ports two span lists share, as spans. */
export function intersectSpans(a: readonly PortSpan[], b: readonly PortSpan[]): PortSpan[] {
  const shared: PortSpan[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) shared.push({ from, to });
    }
  }
  return mergeSpans(shared);
}

/** Sorts spans and joins the ones that touch or overlap. */
export function mergeSpans(spans: readonly PortSpan[]): PortSpan[] {
  const sorted = [...spans].sort((x, y) => x.from - y.from);
  const merged: PortSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.from <= last.to + 1) last.to = Math.max(last.to, span.to);
    else merged.push({ ...span });
  }
  return merged;
}

/** Turns a sorted list of single ports into spans: [1,2,3,7] -> 1-3, 7. */
export function portsToSpans(ports: readonly number[]): PortSpan[] {
  const spans: PortSpan[] = [];
  for (const port of ports) {
    const last = spans[spans.length - 1];
    if (last && port === last.to + 1) last.to = port;
    else if (!last || port > last.to) spans.push({ from: port, to: port });
  }
  return spans;
}

/**
 * The static band of a NodePort range: since Kubernetes 1.29 the API server hands out
 * automatic NodePorts from above it first, so explicitly chosen ports are safest inside it.
 * Its size is min(max(16, size/32), 128) ports, none when the range holds 16 ports or fewer.
 */
export function staticBand(range: PortSpan): PortSpan | undefined {
  const size = range.to - range.from + 1;
  if (size <= 16) return undefined;
  const offset = Math.min(Math.max(16, Math.floor(size / 32)), 128);
  return { from: range.from, to: range.from + offset - 1 };
}

/**
 * The part of a NodePort range above its static band, where the API server hands out automatic
 * NodePorts first; the whole range when it has no static band.
 */
export function dynamicBand(range: PortSpan): PortSpan {
  const band = staticBand(range);
  return band ? { from: band.to + 1, to: range.to } : range;
}

/** The ports of `spans` that none of `removed` holds, as sorted spans. */
export function subtractSpans(spans: readonly PortSpan[], removed: readonly PortSpan[]): PortSpan[] {
  let left = mergeSpans(spans);
  for (const cut of mergeSpans(removed)) {
    const next: PortSpan[] = [];
    for (const span of left) {
      if (cut.to < span.from || cut.from > span.to) next.push(span);
      else {
        if (span.from < cut.from) next.push({ from: span.from, to: cut.from - 1 });
        if (span.to > cut.to) next.push({ from: cut.to + 1, to: span.to });
      }
    }
    left = next;
  }
  return left;
}

import { formatSpan, formatSpans } from '../core/span.ts';
import { claimLabel, type PortClaim, type Registry } from '../core/types.ts';
import type { RangeUsage } from './port-document.ts';
import type { FreeReport, Holders } from '../engine/queries.ts';
import { escapeControls } from '../core/escape.ts';

/** Lines of columns padded to the widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  rows = rows.map((row) => row.map(escapeControls));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** `portolan ports` as a table. */
export function allocationsText(claims: readonly PortClaim[]): string {
  if (claims.length === 0) return 'no allocations match\n';
  return table([
    ['CLUSTER', 'PORT', 'PROTOCOL', 'KIND', 'SERVICE', 'RANGE', 'STATUS'],
    ...claims.map((c) => [c.cluster, String(c.port), c.protocol, c.kind, claimLabel(c), c.range ?? '-', c.status]),
  ]);
}

/** `portolan ports --format json`. */
export function allocationsJson(claims: readonly PortClaim[]): string {
  const allocations = claims.map((c) => ({
    cluster: c.cluster,
    port: c.port,
    protocol: c.protocol,
    kind: c.kind,
    service: c.service,
    portName: c.portName ?? null,
    range: c.range ?? null,
    status: c.status,
    location: c.at,
  }));
  return `${JSON.stringify({ allocations }, null, 2)}\n`;
}

/** `portolan free` as text. */
export function freeText(report: FreeReport): string {
  const where = `in ${report.clusters.length === 1 ? 'cluster' : 'clusters'} ${report.clusters.join(', ')}`;
  const head = `range ${report.range.name} (${formatSpans(report.range.spans)}): ${report.count} of ${report.size} ports free ${where}`;
  if (report.count === 0) return escapeControls(`${head}\n`);
  return escapeControls(`${head}\n${report.free.map((span) => `  ${formatSpan(span)}`).join('\n')}\n`);
}

/** `portolan free --format json`. */
export function freeJson(report: FreeReport): string {
  return `${JSON.stringify({ range: report.range.name, clusters: report.clusters, free: report.free.map(formatSpan), count: report.count, size: report.size }, null, 2)}\n`;
}

/** `portolan who` as text. */
export function holdersText(holders: Holders): string {
  const lines = [`port ${holders.port}: ${holders.ranges.length ? `range ${holders.ranges.map((r) => r.name).join(', ')}` : 'in no range'}`];
  for (const reservation of holders.reservations) lines.push(`  reserved: ${reservation.reason}`);
  for (const { cluster, claims } of holders.clusters) {
    const who = claims.length ? claims.map((c) => `${claimLabel(c)} (${c.protocol}, ${c.at.file}:${c.at.line})`).join(', ') : 'free';
    lines.push(`  ${cluster.name}: ${who}`);
  }
  // Through the mesh the holder is reached at its Service port, not at this node port.
  for (const route of holders.routes) {
    const port = route.ports.find((p) => p.nodePort === holders.port || p.port === holders.port) ?? route.ports[0]!;
    const at = port.address ?? `${route.mirror} (the registry states no Service port: servicePort)`;
    lines.push(`  from ${route.from} to ${route.service} in ${route.to}: ${at} (Linkerd mirror ${route.mirror}${port.port !== undefined && port.port !== holders.port ? `; Service port ${port.port}, not ${holders.port}` : ''})`);
  }
  return escapeControls(`${lines.join('\n')}\n`);
}

/** `portolan who --format json`. */
export function holdersJson(holders: Holders): string {
  return `${JSON.stringify(
    {
      port: holders.port,
      ranges: holders.ranges.map((r) => r.name),
      reserved: holders.reservations.map((r) => r.reason),
      clusters: Object.fromEntries(
        holders.clusters.map(({ cluster, claims }) => [cluster.name, claims.map((c) => ({ service: c.service, portName: c.portName ?? null, protocol: c.protocol, location: c.at }))]),
      ),
      mesh: holders.routes,
    },
    null,
    2,
  )}\n`;
}

/** The registry as JSON: clusters, ranges, services and reservations, without positions. */
export function registryJson(registry: Registry, etag: string): string {
  return `${JSON.stringify({
    file: registry.file,
    etag,
    clusters: registry.clusters.map((c) => ({ name: c.name, title: c.title ?? null, production: c.production, nodePortRange: formatSpan(c.nodePortRange) })),
    ranges: registry.ranges.map((r) => ({ name: r.name, ports: formatSpans(r.spans), description: r.description ?? null })),
    services: registry.services.map((s) => ({ name: s.name, range: s.range ?? null, clusters: s.clusters, ports: s.ports.map((p) => ({ name: p.name ?? null, port: p.port, protocol: p.protocol })) })),
    reserved: registry.reserved.map((r) => ({ ports: formatSpans(r.spans), reason: r.reason, clusters: r.clusters })),
  })}\n`;
}

/** How full each range is, overall and per cluster, as JSON. */
export function rangesJson(usage: readonly RangeUsage[]): string {
  return `${JSON.stringify({ ranges: usage.map((u) => ({ name: u.range.name, ports: formatSpans(u.range.spans), size: u.size, used: u.used, free: u.free, next: u.next, clusters: u.clusters })) })}\n`;
}

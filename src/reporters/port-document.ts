import { basename } from 'node:path';
import { formatSpan, formatSpans, spanSize } from '../core/span.ts';
import type { CheckResult, Cluster, Finding, PortClaim, Range, Registry, Service, ServicePort } from '../core/types.ts';
import { meshRoutes } from '../engine/mesh.ts';
import { cell } from '../sources/port-doc/markdown.ts';
import { beginMarker, DEFAULT_DOCS_TITLE, DOCS_SECTIONS, END_MARKER, type DocsSection, type ProsePlace } from '../core/docs.ts';
import { escapeControls } from '../core/escape.ts';

/** How the port document is dressed. */
export interface PortDocumentOptions {
  /** The document's title; the registry's `docs.title`, else `Port plan`. */
  title?: string;
  /** A date to print as "Last updated"; none by default, so the output only changes with the registry. */
  date?: string;
}

/** How full one range is, overall (free in every cluster) and in each cluster. */
export interface RangeUsage {
  range: Range;
  size: number;
  /** Ports of the range held in at least one cluster. */
  used: number;
  /** Ports free in every cluster. */
  free: number;
  /** The lowest port free in every cluster, or null when the range is full. */
  next: number | null;
  clusters: { cluster: string; used: number; free: number; next: number | null }[];
}

/** What the port document renders, as the engine hands it over. */
export interface PortPlan {
  registry: Registry;
  result: CheckResult;
  ranges: readonly RangeUsage[];
  claims: readonly PortClaim[];
}

/** The lines of each generated region, without the markers. */
export type PortDocumentRegions = Record<DocsSection, string[]>;

/**
 * The generated regions of a registry's port document: ranges with how full they are, clusters,
 * each range's services per cluster, reserved ports, the allocation rules, cross-cluster addresses
 * and what `check` found. Pure and deterministic: the same registry gives the same lines.
 */
export function portDocumentRegions(plan: PortPlan, options: PortDocumentOptions = {}): PortDocumentRegions {
  const { registry, result } = plan;
  const notice = [
    `> Generated from \`${basename(registry.file)}\` by \`portolan docs\`: edit the registry, then run \`portolan docs --write\`.`,
    '> Text outside the `portolan:begin`/`portolan:end` markers is yours: `portolan docs --write` keeps it as it is.',
  ];
  if (options.date !== undefined) notice.push('>', `> Last updated: ${options.date}`);
  const ranges = [...registry.ranges].sort(byFirstPort);
  // Names come from the registry: a control character in one is shown escaped, never passed on.
  const trimmed = (lines: string[]) => {
    while (lines[lines.length - 1] === '') lines.pop();
    return lines.map(escapeControls);
  };
  return {
    notice: notice.map(escapeControls),
    ranges: trimmed(rangesSection(plan, ranges)),
    clusters: trimmed(clustersSection(registry)),
    services: trimmed(servicesSection(registry, ranges, result.findings)),
    reserved: trimmed(reservedSection(registry)),
    rules: trimmed(rulesSection(registry)),
    access: trimmed(crossClusterSection(registry, plan.claims)),
    findings: trimmed(findingsSection(result)),
  };
}

/** One region with its markers around it. */
export function markedRegion(section: DocsSection, lines: readonly string[]): string[] {
  return [beginMarker(section), ...lines, ...(lines.length > 0 ? [''] : []), END_MARKER];
}

/**
 * The whole Markdown port document of a registry, as a new file: the title, the team's prose
 * from `docs.prose`, and every generated region between its markers. Pure and deterministic.
 */
export function portDocument(plan: PortPlan, options: PortDocumentOptions = {}): string {
  const { registry } = plan;
  const regions = portDocumentRegions(plan, options);
  const prose = registry.docsSettings?.prose ?? [];
  const title = options.title ?? registry.docsSettings?.title ?? DEFAULT_DOCS_TITLE;
  const lines: string[] = [`# ${title}`, ''];
  const proseAfter = (place: ProsePlace) => {
    for (const block of prose.filter((b) => b.after === place)) lines.push(...block.text.replace(/\s+$/, '').split('\n'), '');
  };
  proseAfter('title');
  for (const section of DOCS_SECTIONS) {
    lines.push(...markedRegion(section, regions[section]), '');
    if (section !== 'notice') proseAfter(section);
  }
  while (lines[lines.length - 1] === '') lines.pop();
  return escapeControls(`${lines.join('\n')}\n`);
}

function rangesSection(plan: PortPlan, ranges: Range[]): string[] {
  if (ranges.length === 0) return [];
  const usage = new Map(plan.ranges.map((u) => [u.range, u]));
  const rows = ranges.map((range) => {
    const { used, size, next } = usage.get(range)!;
    return [code(range.name), formatSpans(range.spans), cell(range.description ?? ''), `${used} / ${size}`, next !== null ? String(next) : 'full'];
  });
  return ['## Port ranges', '', ...table(['Range', 'Ports', 'Purpose', 'Used', 'Next free'], rows), ''];
}

function clustersSection(registry: Registry): string[] {
  if (registry.clusters.length === 0) return [];
  const clusters = [...registry.clusters].sort((a, b) => a.name.localeCompare(b.name));
  const rows = clusters.map((cluster) => [
    code(cluster.name),
    cell(cluster.title ?? ''),
    cluster.production ? 'yes' : 'no',
    formatSpan(cluster.nodePortRange),
    cluster.crossClusterUrl ? code(cluster.crossClusterUrl) : '-',
    cell(cluster.notes ?? ''),
  ]);
  return ['## Clusters', '', ...table(['Cluster', 'Title', 'Production', 'NodePort range', 'Cross-cluster URL', 'Notes'], rows), ''];
}

function servicesSection(registry: Registry, ranges: Range[], findings: readonly Finding[]): string[] {
  if (registry.services.length === 0) return [];
  const lines = ['## Services', ''];
  // Each service's findings, and each range's services, gathered in one pass: the rows look them up.
  const byService = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.service === undefined) continue;
    const own = byService.get(finding.service);
    if (own) own.push(finding);
    else byService.set(finding.service, [finding]);
  }
  const byRange = new Map<string | undefined, Service[]>();
  for (const service of registry.services) {
    const same = byRange.get(service.range);
    if (same) same.push(service);
    else byRange.set(service.range, [service]);
  }
  const known = new Set(ranges.map((r) => r.name));
  const headings: [string, Service[]][] = ranges.map((range) => [`${range.name} (${formatSpans(range.spans)})`, byRange.get(range.name) ?? []]);
  const undefinedRanges = [...byRange.keys()].filter((r): r is string => r !== undefined && !known.has(r)).sort();
  for (const name of undefinedRanges) headings.push([`${name} (undefined range)`, byRange.get(name)!]);
  headings.push(['No range', byRange.get(undefined) ?? []]);
  for (const [heading, services] of headings) {
    if (services.length === 0) continue;
    lines.push(`### ${heading}`, '');
    const groups = new Map<string, Service[]>();
    for (const service of services) {
      const key = service.allClusters ? '' : [...service.clusters].sort().join(',');
      const group = groups.get(key);
      if (group) group.push(service);
      else groups.set(key, [service]);
    }
    for (const key of [...groups.keys()].sort()) {
      lines.push(`#### ${clusterHeading(registry, key)}`, '');
      const rows = groups.get(key)!.sort(byFirstServicePort).flatMap((service) => serviceRows(service, byService.get(service.name) ?? []));
      lines.push(...table(['Service', 'Port', 'Protocol', 'Exposure', 'Namespace', 'Status', 'Notes', 'Check'], rows), '');
    }
  }
  return lines;
}

/** `All clusters`, `Forge cluster`, `Pro and Studio clusters`. */
function clusterHeading(registry: Registry, key: string): string {
  if (key === '') return 'All clusters';
  const labels = key.split(',').map((name) => clusterLabel(registry.clusters.find((c) => c.name === name), name));
  if (labels.length === 1) return `${labels[0]} cluster`;
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]} clusters`;
}

function clusterLabel(cluster: Cluster | undefined, name: string): string {
  return cluster?.title ?? name;
}

/**
 * One row for a service with one plain port; otherwise a row for the service and one row per
 * port under it, with the service cell left empty. `own` holds the service's findings.
 */
function serviceRows(service: Service, own: readonly Finding[]): string[][] {
  const checks = (list: readonly Finding[]) => [...new Set(list.map((f) => f.ruleId))].sort().map(code).join(', ');
  const name = service.title ? `${cell(service.title)} (${code(service.name)})` : code(service.name);
  const status = service.replacedBy ? `${service.status} (replaced by ${code(service.replacedBy)})` : service.status;
  const namespace = service.namespace ?? '';
  const [first] = service.ports;
  if (service.ports.length === 1 && first!.name === undefined && first!.notes === undefined) {
    return [[name, portCell(first!), first!.protocol, service.exposure, namespace, status, cell(service.notes ?? ''), checks(own)]];
  }
  const rows = [[name, '', '', service.exposure, namespace, status, cell(service.notes ?? ''), checks(own)]];
  for (const port of service.ports) {
    const numbers = [port.port, ...port.overrides.map((o) => o.port)];
    const forPort = own.filter((f) => f.port !== undefined && numbers.includes(f.port));
    rows.push(['', portCell(port), port.protocol, '', '', '', cell(port.notes ?? ''), checks(forPort)]);
  }
  return rows;
}

/** `30100`, `api: 30210`, `30100 (studio: 30190)`. */
function portCell(port: ServicePort): string {
  const overrides = [...port.overrides].sort((a, b) => a.cluster.localeCompare(b.cluster)).map((o) => `${o.cluster}: ${o.port}`);
  return `${port.name ? `${port.name}: ` : ''}${port.port}${overrides.length ? ` (${overrides.join(', ')})` : ''}`;
}

function reservedSection(registry: Registry): string[] {
  if (registry.reserved.length === 0) return [];
  const rows = registry.reserved.map((r) => [formatSpans(r.spans), r.clusters.length ? r.clusters.join(', ') : 'all', cell(r.reason)]);
  return ['## Reserved ports', '', ...table(['Ports', 'Clusters', 'Reason'], rows), ''];
}

function rulesSection(registry: Registry): string[] {
  if (registry.notes.length === 0) return [];
  return ['## Port allocation rules', '', ...registry.notes.map((note, i) => `${i + 1}. ${note.replace(/\s*\n\s*/g, ' ')}`), ''];
}

/**
 * With a `mesh:`, from each cluster the address of each service exported to it, at the Service
 * port mesh clients use (the node port beside it, for the reader who knows only that one).
 */
function meshSection(registry: Registry): string[] {
  const routes = meshRoutes(registry);
  const lines = ['## Cross-cluster service access', '', 'Through the service mesh (Linkerd multicluster): a client reaches the Service port, never the node port.', ''];
  const gateway = registry.services.find((s) => s.name === registry.mesh!.gateway);
  if (gateway) {
    const ports = gateway.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}${p.servicePort !== undefined ? ` (Service port ${p.servicePort})` : ''}`);
    lines.push(`Multicluster gateway: ${code(gateway.name)}${gateway.namespace ? ` in ${code(gateway.namespace)}` : ''}, node ports ${ports.join(', ')}: the ports linked clusters reach each other through.`, '');
  }
  if (routes.length === 0) return [...lines, 'No service is exported to a linked cluster.', ''];
  for (const from of [...new Set(routes.map((r) => r.from))]) {
    lines.push(`### From ${clusterLabel(registry.clusters.find((c) => c.name === from), from)}`, '');
    const rows = routes
      .filter((r) => r.from === from)
      .flatMap((route) =>
        route.ports.map((port) => [
          code(port.name ? `${route.service}/${port.name}` : route.service),
          clusterLabel(registry.clusters.find((c) => c.name === route.to), route.to),
          port.address !== undefined ? code(port.address) : 'no Service port in the registry (`servicePort`)',
          code(route.mirror),
          port.port !== undefined ? String(port.port) : '-',
          port.nodePort !== undefined ? String(port.nodePort) : '-',
          route.mode,
        ]),
      );
    lines.push(...table(['Service', 'In cluster', 'Address', 'Linkerd mirror', 'Service port', 'Node port', 'Export'], rows), '');
  }
  return lines;
}

function crossClusterSection(registry: Registry, claims: readonly PortClaim[]): string[] {
  if (registry.mesh !== undefined) return meshSection(registry);
  const clusters = registry.clusters.filter((c) => c.crossClusterUrl !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  if (clusters.length === 0) return [];
  const lines = ['## Cross-cluster service access', ''];
  const claimsByCluster = new Map<string, PortClaim[]>();
  for (const claim of claims) {
    const here = claimsByCluster.get(claim.cluster);
    if (here) here.push(claim);
    else claimsByCluster.set(claim.cluster, [claim]);
  }
  const services = new Map(registry.services.map((s) => [s.name, s]));
  for (const cluster of clusters) {
    const pattern = cluster.crossClusterUrl!;
    lines.push(`### From any cluster to ${clusterLabel(cluster, cluster.name)}`, '', `Address pattern: ${code(pattern)}`, '');
    const addresses: string[] = [];
    const unnamed = new Set<string>();
    const here = (claimsByCluster.get(cluster.name) ?? []).sort((a, b) => a.service.localeCompare(b.service) || a.port - b.port);
    for (const claim of here) {
      const service = services.get(claim.service)!;
      if (pattern.includes('{namespace}') && service.namespace === undefined) {
        unnamed.add(service.name);
        continue;
      }
      const url = pattern
        .replace(/\{service\}/g, service.kubernetesName ?? service.name)
        .replace(/\{namespace\}/g, service.namespace ?? '')
        .replace(/\{port\}/g, String(claim.port));
      addresses.push(`${url}  # ${claim.portName ? `${claim.service}/${claim.portName}` : claim.service}`);
    }
    if (unnamed.size > 0) addresses.push(`# no namespace in the registry, so no address: ${[...unnamed].join(', ')}`);
    if (addresses.length > 0) lines.push('```text', ...addresses, '```', '');
  }
  return lines;
}

function findingsSection(result: CheckResult): string[] {
  const lines = ['## What `portolan check` found', ''];
  const { findings, summary } = result;
  if (findings.length === 0) return [...lines, 'No problems.', ''];
  lines.push(`${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.infos} info.`, '');
  const rows = findings.map((f) => [f.severity, code(f.ruleId), f.cluster ?? 'all', f.service ? code(f.service) : '', f.port !== undefined ? String(f.port) : '', cell(f.message)]);
  return [...lines, ...table(['Severity', 'Rule', 'Cluster', 'Service', 'Port', 'Message'], rows), ''];
}

function table(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`.replace(/ {2,}\|/g, ' |'))];
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function byFirstPort(a: Range, b: Range): number {
  return (a.spans[0]?.from ?? 0) - (b.spans[0]?.from ?? 0) || a.name.localeCompare(b.name);
}

function byFirstServicePort(a: Service, b: Service): number {
  return (a.ports[0]?.port ?? 0) - (b.ports[0]?.port ?? 0) || a.name.localeCompare(b.name);
}

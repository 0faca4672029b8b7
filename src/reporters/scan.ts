import { kubectlName } from '../core/observation.ts';
import type { LiveObservation, PortClaim, RepoObservation } from '../core/types.ts';
import { leftOut } from './init.ts';
import { table } from './tables.ts';
import { escapeControls } from '../core/escape.ts';

/** `portolan scan` as text: a table of claims per cluster, then what nothing deploys, what was skipped and what could not be read. */
export function scanText(observed: RepoObservation): string {
  const lines: string[] = [];
  // ClusterIP Service ports are many and rarely planned: JSON lists them, text counts them.
  const byCluster = claimsByCluster(observed.claims.filter((c) => c.kind !== 'servicePort'));
  const hidden = observed.claims.length - [...byCluster.values()].reduce((n, claims) => n + claims.length, 0);
  for (const [cluster, claims] of byCluster) {
    const roots = observed.clusterRoots.get(cluster);
    const config = observed.kindConfigs.get(cluster);
    const from = [...(roots ?? []).map((r) => (r === '.' ? 'the whole repository' : r)), ...(config ? [`kind config ${config}`] : [])];
    lines.push(`cluster ${cluster}${from.length > 0 ? ` (${from.join(', ')})` : ''}`);
    const how = observed.clusterOrigins.get(cluster);
    if (how && how.length > 0) lines.push(`  found by ${how.join('; ')}`);
    lines.push(indent(table([['PORT', 'PROTOCOL', 'KIND', 'HELD BY', 'WHERE'], ...claims.map(claimRow)])));
  }
  if (observed.undeployed.length > 0) {
    lines.push('not deployed (no kustomization, Flux Kustomization, Application or helmfile reaches these files)');
    lines.push(indent(table([['PORT', 'PROTOCOL', 'KIND', 'HELD BY', 'WHERE'], ...observed.undeployed.map(claimRow)])));
  }
  const rest = leftOut(observed);
  if (rest.length > 0) lines.push(...rest.slice(1), '');
  const count = observed.claims.length - hidden;
  lines.push(
    `${observed.filesSeen} YAML files, ${observed.filesParsed} parsed; ${count} port${count === 1 ? '' : 's'} in ${byCluster.size} cluster${byCluster.size === 1 ? '' : 's'}` +
      (hidden > 0 ? ` (and ${hidden} ClusterIP Service port${hidden === 1 ? '' : 's'}, listed by --format json)` : '') +
      (observed.problems.length > 0 ? `; ${observed.problems.length} unreadable` : ''),
  );
  return escapeControls(`${lines.join('\n')}\n`);
}

/** `portolan scan --format json`: the same, as one object; absent values are null. */
export function scanJson(observed: RepoObservation): string {
  const clusters = [...claimsByCluster(observed.claims)].map(([name, claims]) => ({
    name,
    roots: observed.clusterRoots.get(name) ?? [],
    foundBy: observed.clusterOrigins.get(name) ?? [],
    kindConfig: observed.kindConfigs.get(name) ?? null,
    claims: claims.map(claimJson),
  }));
  return `${JSON.stringify(
    {
      root: observed.root,
      clusters,
      undeployed: observed.undeployed.map(claimJson),
      skipped: observed.skipped,
      excluded: observed.excluded,
      problems: observed.problems,
      files: { seen: observed.filesSeen, parsed: observed.filesParsed },
    },
    null,
    2,
  )}\n`;
}

/** `portolan scan --live` as text: the node ports and host ports each live cluster runs, then the clusters that could not be read. */
export function liveScanText(live: LiveObservation): string {
  const lines: string[] = [];
  const byCluster = claimsByCluster(live.claims.filter((c) => c.kind !== 'servicePort'));
  for (const read of live.reads) {
    lines.push(`cluster ${read.cluster} (context ${read.context}, ${read.server})`);
    const claims = byCluster.get(read.cluster) ?? [];
    const rows = claims.map((claim) => [
      String(claim.port),
      claim.protocol,
      claim.kind === 'nodePort' && claim.nodePortOrigin === 'automatic' ? 'nodePort (chosen by Kubernetes)' : claim.kind,
      `${claim.object ? kubectlName(claim.object) : claim.service}${claim.portName !== undefined ? ` ${claim.portName}` : ''}`,
    ]);
    lines.push(indent(claims.length > 0 ? table([['PORT', 'PROTOCOL', 'KIND', 'HELD BY'], ...rows]) : 'no node ports or host ports\n'));
  }
  if (live.failures.length > 0) {
    lines.push('could not read');
    for (const failure of live.failures) lines.push(`  cluster ${failure.cluster} (context ${failure.context}): ${failure.reason}: ${failure.message}`);
    lines.push('');
  }
  const count = live.claims.filter((c) => c.kind !== 'servicePort').length;
  lines.push(`${live.reads.length} cluster${live.reads.length === 1 ? '' : 's'} read; ${count} port${count === 1 ? '' : 's'}${live.failures.length > 0 ? `; ${live.failures.length} unreadable` : ''}`);
  return escapeControls(`${lines.join('\n')}\n`);
}

/** `portolan scan --live --format json`: the same, as one object. */
export function liveScanJson(live: LiveObservation): string {
  const byCluster = claimsByCluster(live.claims);
  const clusters = live.reads.map((read) => ({ ...read, claims: (byCluster.get(read.cluster) ?? []).map((claim) => ({ ...claimJson(claim), nodePortOrigin: claim.nodePortOrigin ?? null })) }));
  return `${JSON.stringify({ root: live.root, clusters, failures: live.failures }, null, 2)}\n`;
}

function claimsByCluster(claims: readonly PortClaim[]): Map<string, PortClaim[]> {
  const groups = new Map<string, PortClaim[]>();
  for (const claim of [...claims].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.port - b.port || a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line)) {
    const group = groups.get(claim.cluster);
    if (group) group.push(claim);
    else groups.set(claim.cluster, [claim]);
  }
  return groups;
}

function claimRow(claim: PortClaim): string[] {
  const object = claim.object ? `${claim.object.kind} ${claim.object.namespace ? `${claim.object.namespace}/` : ''}${claim.object.name}` : claim.service;
  const heldBy =
    claim.source === 'kind-config'
      ? `${claim.listenAddress}:${claim.port} -> ${claim.containerPort ?? 'API server'} (${claim.service})`
      : claim.portName !== undefined
        ? `${object} ${claim.portName}`
        : object;
  const kind = claim.source === 'kind-config' ? 'kind mapping' : claim.source === 'helm-values' ? `${claim.kind} (values)` : claim.kind;
  return [String(claim.port), claim.protocol, kind, heldBy, where(claim.at)];
}

function claimJson(claim: PortClaim) {
  return {
    port: claim.port,
    protocol: claim.protocol,
    kind: claim.kind,
    source: claim.source ?? null,
    service: claim.service,
    portName: claim.portName ?? null,
    object: claim.object ?? null,
    servicePort: claim.servicePort ?? null,
    host: claim.host ?? null,
    listenAddress: claim.listenAddress ?? null,
    containerPort: claim.containerPort ?? null,
    location: claim.at,
  };
}

function where(at: { file: string; line: number; column: number }): string {
  return `${at.file}:${at.line}:${at.column}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

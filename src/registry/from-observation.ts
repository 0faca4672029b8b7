import { relative, resolve } from 'node:path';
import { SCHEMA_PATH } from './schema.ts';
import { Document, isScalar, isSeq, visit } from 'yaml';
import type { PortClaim, RepoObservation } from '../core/types.ts';

/** Where the written registry will live, so that its paths point into the repository. */
export interface StarterOptions {
  /** The repository's folder, absolute. */
  repo: string;
  /** The folder the observation's file names are relative to. */
  cwd: string;
}

const NAME_MAX = 63;

/**
 * A starting portolan.yaml from what a scan found: one cluster per cluster found (with its
 * paths and kind config), and one service per deployed object with node ports, using the port
 * most clusters agree on and overrides for the others. Ranges, owners and notes are left to people.
 */
export function starterRegistry(observed: RepoObservation, options: StarterOptions): string {
  const clusterNames = [...new Set([...observed.clusters, ...observed.kindConfigs.keys()])].sort();
  const clusters: Record<string, Record<string, unknown>> = {};
  for (const name of clusterNames) {
    const entry: Record<string, unknown> = {};
    const roots = observed.clusterRoots.get(name);
    if (roots && roots.length > 0 && !(roots.length === 1 && roots[0] === '.')) entry.paths = roots;
    const config = observed.kindConfigs.get(name);
    if (config !== undefined) entry.kindConfig = relative(options.repo, resolve(options.cwd, config)).split('\\').join('/');
    const host = observed.claims.find((c) => c.cluster === name && c.host !== undefined && !c.host.endsWith('(own host)'))?.host;
    if (host !== undefined) entry.host = host;
    clusters[safeName(name)] = entry;
  }

  // service name -> port name -> cluster -> port
  const services = new Map<string, { namespaces: Set<string>; loadBalancer: boolean; ports: Map<string, Map<string, number>>; protocols: Map<string, string> }>();
  const loadBalancers = new Set(observed.services.filter((s) => s.type === 'LoadBalancer').map((s) => `${s.cluster}\0${s.object.name}`));
  for (const claim of observed.claims) {
    if (claim.kind !== 'nodePort' || claim.source === 'kind-config' || !clusterNames.includes(claim.cluster)) continue;
    const name = safeName(claim.service);
    let service = services.get(name);
    if (!service) services.set(name, (service = { namespaces: new Set(), loadBalancer: false, ports: new Map(), protocols: new Map() }));
    if (claim.object?.namespace !== undefined) service.namespaces.add(claim.object.namespace);
    if (loadBalancers.has(`${claim.cluster}\0${claim.service}`)) service.loadBalancer = true;
    const portName = portNameOf(claim);
    let byCluster = service.ports.get(portName);
    if (!byCluster) service.ports.set(portName, (byCluster = new Map()));
    if (!byCluster.has(claim.cluster)) byCluster.set(claim.cluster, claim.port);
    if (claim.protocol !== 'TCP') service.protocols.set(portName, claim.protocol);
  }

  const serviceEntries: Record<string, Record<string, unknown>> = {};
  for (const [name, service] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    const entry: Record<string, unknown> = {};
    if (service.namespaces.size === 1) entry.namespace = safeName([...service.namespaces][0]!);
    if (service.loadBalancer) entry.exposure = 'LoadBalancer';
    const inClusters = [...new Set([...service.ports.values()].flatMap((byCluster) => [...byCluster.keys()]))].sort();
    entry.clusters = inClusters.length === clusterNames.length && clusterNames.length > 1 ? 'all' : inClusters.map(safeName);
    const ports = [...service.ports].map(([portName, byCluster]) => [portName, portEntry(byCluster, service.protocols.get(portName))] as const);
    if (ports.length === 1) entry.port = ports[0]![1];
    else entry.ports = Object.fromEntries(ports);
    serviceEntries[name] = entry;
  }

  const document = new Document({ version: 1, clusters, services: serviceEntries });
  visit(document, {
    Seq(_, node) {
      if (isSeq(node) && node.items.every(isScalar)) node.flow = true;
    },
  });
  document.commentBefore = ` yaml-language-server: $schema=${SCHEMA_PATH}\n\n Written by \`portolan scan ${observed.root} --format registry\`.\n Add ranges, owners and notes, then run \`portolan check --repo ${observed.root}\`.`;
  return document.toString({ lineWidth: 0 });
}

/** One port's number: the one most clusters use, with overrides for the rest. */
function portEntry(byCluster: Map<string, number>, protocol: string | undefined): number | Record<string, unknown> {
  const counts = new Map<number, number>();
  for (const port of byCluster.values()) counts.set(port, (counts.get(port) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const overrides = Object.fromEntries([...byCluster].filter(([, port]) => port !== usual).map(([cluster, port]) => [safeName(cluster), port]));
  if (Object.keys(overrides).length === 0 && protocol === undefined) return usual;
  return { port: usual, ...(protocol !== undefined ? { protocol } : {}), ...(Object.keys(overrides).length > 0 ? { overrides } : {}) };
}

function portNameOf(claim: PortClaim): string {
  if (claim.portName === undefined) return 'default';
  const segments = claim.source === 'helm-values' ? claim.portName.split('.').filter((s) => !/^node_?ports?$/i.test(s)) : [claim.portName];
  return safeName(segments[segments.length - 1] ?? claim.portName);
}

/** A name as the registry accepts it: lower case letters, digits and dashes. */
function safeName(name: string): string {
  const safe = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, NAME_MAX)
    .replace(/-+$/, '');
  return safe || 'unnamed';
}

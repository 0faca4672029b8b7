import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_NODE_PORT_RANGE, staticBand } from '../core/span.ts';
import type { PortClaim, RepoObservation } from '../core/types.ts';
import type { RegistryDocument } from './schema.ts';

/** Where the written registry will live, so that its paths point into the repository. */
export interface StarterOptions {
  /** The folder the observation's file names are relative to. */
  cwd: string;
  /** The folder the registry is written in, absolute: its `kindConfig` paths are relative to it. */
  registryFolder: string;
  /** The globs the scan left out, written as `scan.exclude`. */
  exclude: readonly string[];
}

/** A range drawn around ports that lie together, and why. */
export interface InferredRange {
  name: string;
  ports: string[];
  services: string[];
}

/** A starting registry, and what was inferred to write it. */
export interface Starter {
  registry: RegistryDocument;
  ranges: InferredRange[];
  /** Rules turned off because the repository's own ports would make them report on every run. */
  rulesOff: { rule: string; why: string }[];
}

/** The host kind clusters of one repository share, unless a kind config names its own (`# host: NAME`). */
export const KIND_HOST = 'localhost';

const NAME_MAX = 63;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Ranges are drawn per hundred ports, the way port plans are usually written. */
const BLOCK = 100;

interface ObservedEntry {
  kubernetesNames: Set<string>;
  namespaces: Set<string>;
  loadBalancer: boolean;
  /** port name -> cluster -> port */
  ports: Map<string, Map<string, number>>;
  protocols: Map<string, string>;
}

/**
 * A starting portolan.yaml from what a scan found: every cluster (with its paths, kind config,
 * server and host), one service per deployed object with node ports (every port of it, the
 * number most clusters agree on with overrides for the others), a range around each group of
 * ports that lie in the same hundreds, and the scan's excluded folders. Owners are left to people.
 */
export function starterRegistry(observed: RepoObservation, options: StarterOptions): Starter {
  const clusterNames = [...new Set([...observed.clusters, ...observed.kindConfigs.keys(), ...observed.unreadKindConfigs.keys()])].sort();
  const clusters: Record<string, Record<string, unknown>> = {};
  for (const name of clusterNames) {
    const entry: Record<string, unknown> = {};
    const roots = observed.clusterRoots.get(name);
    if (roots && roots.length > 0 && !(roots.length === 1 && roots[0] === '.')) entry.paths = roots;
    const server = observed.clusterServers.get(name);
    if (server !== undefined) entry.server = server;
    // A kind config that does not parse still creates its cluster: kept, and reported by check.
    const config = observed.kindConfigs.get(name) ?? observed.unreadKindConfigs.get(name);
    if (config !== undefined) {
      const file = resolve(options.cwd, config);
      entry.kindConfig = relative(options.registryFolder, file).split('\\').join('/');
      const planned = observed.claims.find((c) => c.cluster === name && c.host !== undefined && !c.host.endsWith('(own host)'))?.host;
      entry.host = planned ?? hostOf(file) ?? KIND_HOST;
    }
    clusters[safeName(name)] = entry;
  }

  const services = observedEntries(observed, clusterNames);
  const serviceEntries: Record<string, Record<string, unknown>> = {};
  const portsOf = new Map<string, number[]>();
  for (const [name, service] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    const entry: Record<string, unknown> = {};
    const kubernetesName = [...service.kubernetesNames][0]!;
    if (kubernetesName !== name && service.kubernetesNames.size === 1 && NAME.test(kubernetesName)) entry.kubernetesName = kubernetesName;
    if (service.namespaces.size === 1) entry.namespace = safeName([...service.namespaces][0]!);
    if (service.loadBalancer) entry.exposure = 'LoadBalancer';
    const inClusters = [...new Set([...service.ports.values()].flatMap((byCluster) => [...byCluster.keys()]))].sort();
    entry.clusters = inClusters.length === clusterNames.length && clusterNames.length > 1 ? 'all' : inClusters.map(safeName);
    const ports = [...service.ports].map(([portName, byCluster]) => [portName, portEntry(byCluster, service.protocols.get(portName))] as const);
    if (ports.length === 1) entry.port = ports[0]![1];
    else entry.ports = Object.fromEntries(ports);
    serviceEntries[name] = entry;
    portsOf.set(name, [...service.ports.values()].flatMap((byCluster) => [...byCluster.values()]));
  }

  const ranges = inferRanges(portsOf);
  const rangeEntries: Record<string, { ports: string | string[]; description: string }> = {};
  for (const range of ranges) {
    rangeEntries[range.name] = { ports: range.ports.length === 1 ? range.ports[0]! : range.ports, description: `node ports of ${range.services.join(', ')}` };
    for (const service of range.services) serviceEntries[service] = { range: range.name, ...serviceEntries[service] };
  }
  const rulesOff: Starter['rulesOff'] = [];
  const band = staticBand(DEFAULT_NODE_PORT_RANGE)!;
  const inDynamicBand = ranges.filter((range) => range.ports.some((span) => Number(span.split('-').pop()) > band.to));
  if (inDynamicBand.length > 0) {
    rulesOff.push({
      rule: 'dynamic-band',
      why: `the repository's node ports in ${inDynamicBand.map((r) => r.name).join(', ')} lie above the static band ${band.from}-${band.to}; turn the rule on to plan new ranges inside it`,
    });
  }

  const registry: RegistryDocument = {
    version: 1,
    notes: [
      ...ranges.map((range) => `Range ${range.name} (${range.ports.join(', ')}) is drawn around the node ports the repository gives ${range.services.join(', ')}.`),
      ...rulesOff.map(({ rule, why }) => `Rule ${rule} is off: ${why}.`),
    ],
    ranges: rangeEntries,
    clusters: clusters as RegistryDocument['clusters'],
    services: serviceEntries as RegistryDocument['services'],
    ...(rulesOff.length > 0 ? { rules: Object.fromEntries(rulesOff.map(({ rule }) => [rule, 'off' as const])) } : {}),
    scan: { exclude: [...options.exclude] },
  };
  if (registry.notes!.length === 0) delete registry.notes;
  return { registry, ranges, rulesOff };
}

/** Each deployed object with node ports, by the registry name it gets. */
function observedEntries(observed: RepoObservation, clusterNames: readonly string[]): Map<string, ObservedEntry> {
  const services = new Map<string, ObservedEntry>();
  const loadBalancers = new Set(observed.services.filter((s) => s.type === 'LoadBalancer').map((s) => `${s.cluster}\0${s.object.name}`));
  const claimsOf = new Map<string, PortClaim[]>();
  for (const claim of observed.claims) {
    if (claim.kind !== 'nodePort' || claim.source === 'kind-config' || !clusterNames.includes(claim.cluster)) continue;
    const name = safeName(claim.service);
    const list = claimsOf.get(name);
    if (list) list.push(claim);
    else claimsOf.set(name, [claim]);
  }
  for (const [name, claims] of claimsOf) {
    const service: ObservedEntry = { kubernetesNames: new Set(), namespaces: new Set(), loadBalancer: false, ports: new Map(), protocols: new Map() };
    services.set(name, service);
    const portNames = portNamesOf(claims);
    claims.forEach((claim, i) => {
      service.kubernetesNames.add(claim.service);
      if (claim.object?.namespace !== undefined) service.namespaces.add(claim.object.namespace);
      if (loadBalancers.has(`${claim.cluster}\0${claim.service}`)) service.loadBalancer = true;
      const portName = portNames[i]!;
      let byCluster = service.ports.get(portName);
      if (!byCluster) service.ports.set(portName, (byCluster = new Map()));
      if (!byCluster.has(claim.cluster)) byCluster.set(claim.cluster, claim.port);
      if (claim.protocol !== 'TCP') service.protocols.set(portName, claim.protocol);
    });
  }
  return services;
}

/**
 * A name for each claim's port, the same for the same port in every cluster and different for
 * different ports: the values path's last word (`service.nodePorts.http` is `http`), longer
 * where two ports would share it (`gateway-service` and `service`).
 */
function portNamesOf(claims: readonly PortClaim[]): string[] {
  const words = claims.map((claim) => {
    if (claim.portName === undefined) return ['default'];
    if (claim.source !== 'helm-values') return [claim.portName];
    const segments = claim.portName.split('.').filter((s) => !/^node_?ports?$/i.test(s) && !/^\d+$/.test(s));
    return segments.length > 0 ? segments : [claim.portName];
  });
  const keyOf = (claim: PortClaim) => claim.portName ?? 'default';
  const distinct = [...new Set(claims.map(keyOf))];
  const wordsOf = new Map(claims.map((claim, i) => [keyOf(claim), words[i]!]));
  const depth = new Map(distinct.map((key) => [key, 1]));
  let names: Map<string, string>;
  for (;;) {
    names = new Map(distinct.map((key) => [key, safeName(wordsOf.get(key)!.slice(-depth.get(key)!).join('-'))]));
    const clashing = distinct.filter((key) => distinct.some((other) => other !== key && names.get(other) === names.get(key)));
    if (clashing.length === 0) break;
    // Only names that can grow do; one that cannot keeps the short name once the others have moved on.
    const growable = clashing.filter((key) => depth.get(key)! < wordsOf.get(key)!.length);
    if (growable.length === 0) {
      clashing.forEach((key, i) => i > 0 && names.set(key, safeName(`${names.get(key)}-${i + 1}`)));
      break;
    }
    for (const key of growable) depth.set(key, depth.get(key)! + 1);
  }
  return claims.map((claim) => names.get(keyOf(claim))!);
}

/**
 * Ranges around the ports that lie together: each hundred (30100-30199) holding a service's
 * port, joined with the other hundreds of the same services, so every service sits in one range.
 */
function inferRanges(portsOf: ReadonlyMap<string, number[]>): InferredRange[] {
  const parent = new Map<number, number>();
  const find = (block: number): number => {
    let root = block;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(block, root);
    return root;
  };
  for (const ports of portsOf.values()) {
    const blocks = [...new Set(ports.map((port) => Math.floor(port / BLOCK)))];
    for (const block of blocks) if (!parent.has(block)) parent.set(block, block);
    for (const block of blocks.slice(1)) parent.set(find(block), find(blocks[0]!));
  }
  const groups = new Map<number, { blocks: Set<number>; services: string[] }>();
  for (const [service, ports] of portsOf) {
    const root = find(Math.floor(ports[0]! / BLOCK));
    let group = groups.get(root);
    if (!group) groups.set(root, (group = { blocks: new Set(), services: [] }));
    group.services.push(service);
    for (const port of ports) group.blocks.add(Math.floor(port / BLOCK));
  }
  return [...groups.values()]
    .map((group) => {
      const blocks = [...group.blocks].sort((a, b) => a - b);
      const spans: string[] = [];
      for (const block of blocks) {
        const from = block * BLOCK;
        const last = spans[spans.length - 1];
        const to = Math.min(from + BLOCK - 1, 65535);
        if (last !== undefined && Number(last.split('-')[1]) === from - 1) spans[spans.length - 1] = `${last.split('-')[0]}-${to}`;
        else spans.push(`${Math.max(from, 1)}-${to}`);
      }
      return { name: `ports-${blocks[0]! * BLOCK}`, ports: spans, services: group.services.sort() };
    })
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
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

/** The host a kind config names in a comment (`# host: nuc`), if any. */
function hostOf(file: string): string | undefined {
  try {
    return /^\s*#\s*host:\s*([A-Za-z0-9][\w.-]*)/m.exec(readFileSync(file, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** A name as the registry accepts it: lower case letters, digits and dashes. */
export function safeName(name: string): string {
  const safe = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, NAME_MAX)
    .replace(/-+$/, '');
  return safe || 'unnamed';
}

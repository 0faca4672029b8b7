import type { Location, Registry } from '../../core/types.ts';
import type { ManifestFile } from '../k8s-manifests/objects.ts';
import { list, locateIn, mapping, text, type KubeObject } from '../k8s-manifests/objects.ts';
import { fillTemplate, generate, unexpanded, type ArgoCluster, type Parameters } from './applicationset.ts';

/** An Argo CD Application, or one that an ApplicationSet generates. */
export interface ArgoApplication {
  object: KubeObject;
  name: string;
  namespace?: string;
  /** `spec.destination`, templates filled in. */
  destination: { name?: string; server?: string };
  sources: ArgoSource[];
  /** Template expressions that no generator parameter fills (the Application is not read). */
  unexpanded: string[];
  at: Location;
}

/** One `spec.source` (or entry of `spec.sources`) of an Application. */
export interface ArgoSource {
  path?: string;
  chart?: string;
  recurse: boolean;
  helm?: Record<string, unknown>;
  /** Where this source's `helm` block sits, for values that come from the Application itself. */
  helmPath: (string | number)[];
}

/** The API server address Argo CD gives the cluster it runs in. */
const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The name Argo CD gives the cluster it runs in. */
export const IN_CLUSTER = 'in-cluster';

/** True for an Argo CD Application or ApplicationSet. */
export function isArgo(object: KubeObject): boolean {
  return object.apiVersion.startsWith('argoproj.io/') && (object.kind === 'Application' || object.kind === 'ApplicationSet');
}

/** True for an Argo CD cluster Secret (`argocd.argoproj.io/secret-type: cluster`). */
export function isClusterSecret(object: KubeObject): boolean {
  return object.kind === 'Secret' && text(mapping(mapping(object.body.metadata)?.labels)?.['argocd.argoproj.io/secret-type']) === 'cluster';
}

/** The cluster a cluster Secret declares: `name` and `server` from `stringData`, or base64 `data`. */
export function clusterOfSecret(object: KubeObject): ArgoCluster | undefined {
  const plain = mapping(object.body.stringData) ?? {};
  const encoded = mapping(object.body.data) ?? {};
  const field = (key: string) => text(plain[key]) ?? decode(text(encoded[key]));
  const name = field('name');
  if (name === undefined) return undefined;
  const server = field('server');
  const labels = Object.fromEntries(Object.entries(mapping(mapping(object.body.metadata)?.labels) ?? {}).map(([k, v]) => [k, String(v)]));
  return { name, ...(server !== undefined ? { server } : {}), labels };
}

/**
 * The Applications an Argo CD object stands for: itself, or for an ApplicationSet, one per set of
 * parameters its generators produce, with the template filled in.
 */
export function argoApplications(object: KubeObject, folders: readonly string[], clusters: readonly ArgoCluster[]): ArgoApplication[] {
  if (object.kind === 'Application') return [application(object, object.body, ['spec'], undefined)];
  const spec = mapping(object.body.spec);
  const template = mapping(spec?.template);
  if (!spec || !template) return [];
  const parameterSets = list(spec.generators).flatMap((generator) => generate(generator, folders, clusters));
  return parameterSets.map((parameters) => application(object, template, ['spec', 'template', 'spec'], parameters));
}

function application(object: KubeObject, body: Record<string, unknown>, specPath: (string | number)[], parameters: Parameters | undefined): ArgoApplication {
  const left: string[] = [];
  const fill = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const filled = parameters ? fillTemplate(value, parameters) : value;
    if (unexpanded(filled)) left.push(filled);
    return filled;
  };
  const spec = mapping(body.spec) ?? {};
  const metadata = mapping(body.metadata);
  const destination = mapping(spec.destination);
  const entries: [unknown, (string | number)[]][] = spec.sources
    ? list(spec.sources).map((s, i) => [s, [...specPath, 'sources', i]])
    : [[spec.source, [...specPath, 'source']]];
  const sources = entries.flatMap(([entry, path]): ArgoSource[] => {
    const source = mapping(entry);
    if (!source) return [];
    const helm = mapping(source.helm);
    const directory = mapping(source.directory);
    const sourcePath = fill(text(source.path));
    const chart = fill(text(source.chart));
    return [
      {
        ...(sourcePath !== undefined ? { path: sourcePath } : {}),
        ...(chart !== undefined ? { chart } : {}),
        recurse: directory?.recurse === true,
        ...(helm ? { helm } : {}),
        helmPath: [...path, 'helm'],
      },
    ];
  });
  const name = fill(text(metadata?.name) ?? object.name)!;
  const namespace = fill(text(destination?.namespace));
  const destinationName = fill(text(destination?.name));
  const server = fill(text(destination?.server));
  return {
    object,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    destination: { ...(destinationName !== undefined ? { name: destinationName } : {}), ...(server !== undefined ? { server } : {}) },
    sources,
    unexpanded: left,
    at: locateIn(object, []),
  };
}

/** The clusters a destination may name, and how: registry names and servers, and cluster Secrets. */
export interface DestinationIndex {
  /** Cluster names known to the registry (or, without one, to the repository). */
  names: ReadonlySet<string>;
  /** API server URL (without a trailing slash) -> cluster name. */
  servers: ReadonlyMap<string, string>;
  /** Names from cluster Secrets -> the name the registry knows the cluster by. */
  secretNames: ReadonlyMap<string, string>;
}

/** Where an Application deploys: a cluster name and how it was known, or why it is not known. */
export type Destination = { cluster: string; how: string } | { cluster: undefined; why: string };

/**
 * The cluster an Application's destination names: `name: in-cluster` and
 * `server: https://kubernetes.default.svc` are the cluster Argo CD runs in (`inCluster`); another
 * name is a cluster of that name (or a cluster Secret's); a server URL is the cluster whose
 * `server` the registry or a cluster Secret gives. A URL is never turned into a name.
 */
export function resolveDestination(destination: ArgoApplication['destination'], index: DestinationIndex, inCluster: string | undefined, open: boolean): Destination {
  const server = destination.server === undefined ? undefined : trimServer(destination.server);
  if (destination.name === IN_CLUSTER || server === IN_CLUSTER_SERVER || server === `${IN_CLUSTER_SERVER}:443`) {
    const known = index.servers.get(IN_CLUSTER_SERVER) ?? (index.names.has(IN_CLUSTER) ? IN_CLUSTER : inCluster);
    if (known !== undefined) return { cluster: known, how: 'Argo CD destination in-cluster' };
    return open ? { cluster: IN_CLUSTER, how: 'Argo CD destination in-cluster' } : { cluster: undefined, why: 'in-cluster names the cluster Argo CD runs in; give it `server: https://kubernetes.default.svc` in portolan.yaml' };
  }
  if (destination.name !== undefined) {
    const named = index.secretNames.get(destination.name) ?? (index.names.has(destination.name) || open ? destination.name : undefined);
    if (named !== undefined) return { cluster: named, how: `Argo CD destination name ${destination.name}` };
    return { cluster: undefined, why: `destination name ${destination.name} is no cluster of the registry` };
  }
  if (server !== undefined) {
    const byServer = index.servers.get(server);
    if (byServer !== undefined) return { cluster: byServer, how: `Argo CD destination server ${server}` };
    return { cluster: undefined, why: `destination server ${server} is no cluster's: give a cluster \`server: ${server}\` in portolan.yaml, or keep its Argo CD cluster Secret in the repository` };
  }
  return { cluster: undefined, why: 'the Application names no destination' };
}

/** The clusters the repository's Argo CD cluster Secrets declare. */
export function clusterSecrets(manifests: Iterable<ManifestFile>): ArgoCluster[] {
  const secrets: ArgoCluster[] = [];
  for (const manifest of manifests) {
    for (const object of manifest.objects) {
      const cluster = isClusterSecret(object) ? clusterOfSecret(object) : undefined;
      if (cluster) secrets.push(cluster);
    }
  }
  return secrets;
}

/** The clusters a clusters generator yields: the registry's, then the Secrets' that are not the same cluster. */
export function argoClusters(registry: Registry | undefined, secrets: readonly ArgoCluster[]): ArgoCluster[] {
  if (!registry) return [...secrets];
  const clusters: ArgoCluster[] = registry.clusters.map((c) => ({ name: c.name, ...(c.server !== undefined ? { server: c.server } : {}), labels: {} }));
  for (const secret of secrets) if (!clusters.some((c) => c.name === secret.name || (c.server !== undefined && c.server === secret.server))) clusters.push(secret);
  return clusters;
}

/** How destinations name clusters: the registry's names and servers (or, without one, the clusters found), and the Secrets'. */
export function destinationIndex(registry: Registry | undefined, found: Iterable<string>, secrets: readonly ArgoCluster[]): DestinationIndex {
  const names = new Set(registry ? registry.clusters.map((c) => c.name) : [...found, ...secrets.map((s) => s.name)]);
  const servers = new Map<string, string>();
  for (const cluster of registry?.clusters ?? []) if (cluster.server !== undefined) servers.set(trimServer(cluster.server), cluster.name);
  const secretNames = new Map<string, string>();
  for (const secret of secrets) {
    const server = secret.server !== undefined ? trimServer(secret.server) : undefined;
    const name = names.has(secret.name) ? secret.name : ((server !== undefined ? servers.get(server) : undefined) ?? (registry ? undefined : secret.name));
    if (name === undefined) continue;
    secretNames.set(secret.name, name);
    if (server !== undefined && !servers.has(server)) servers.set(server, name);
  }
  return { names, servers, secretNames };
}

/** The API server of each cluster: the registry's `server`, else the cluster Secret's. */
export function clusterServers(registry: Registry | undefined, secrets: readonly ArgoCluster[]): Map<string, string> {
  const servers = new Map<string, string>();
  for (const secret of secrets) if (secret.server !== undefined) servers.set(secret.name, secret.server);
  for (const cluster of registry?.clusters ?? []) if (cluster.server !== undefined) servers.set(cluster.name, cluster.server);
  return servers;
}

function trimServer(server: string): string {
  return server.replace(/\/+$/, '');
}

function decode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return Buffer.from(value, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

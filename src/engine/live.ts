import { readTextFile } from '../registry/read-file.ts';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.ts';
import { suggestion } from '../core/suggest.ts';
import type { CheckResult, ClusterFailure, ClusterRead, LiveObservation, PortClaim, Registry, RepoObservation } from '../core/types.ts';
import { displayPath } from '../registry/load.ts';
import { scanRepo, type ScanOptions } from '../sources/gitops-repo/index.ts';
import { clusterClaims, loadKubeconfig, readClusters, readSnapshot, snapshotText, type ClusterEvent, type ClusterTarget } from '../sources/live-cluster/index.ts';
import { checkRegistry, type CheckOptions } from './check.ts';

export type { ClusterEvent } from '../sources/live-cluster/index.ts';

/** Where to read the live clusters from, and how. */
export interface LiveOptions {
  registry: Registry;
  /** The registry clusters to read (`--cluster`); by default every cluster with a context. */
  clusters?: readonly string[];
  /** `--kubeconfig FILE`; else `KUBECONFIG` from `env`, else ~/.kube/config. */
  kubeconfig?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Snapshot files to read instead of the clusters: `FILE`, or `CLUSTER=FILE` for plain kubectl output. */
  snapshots?: readonly string[];
  /** The folder paths are relative to. */
  cwd?: string;
  /** Clusters read at once (4 by default). */
  concurrency?: number;
  /** How long one cluster may take, in milliseconds (30 s by default). */
  timeoutMs?: number;
  /** Objects per list request (500 by default). */
  pageSize?: number;
  /** Called as each cluster starts and ends, for a progress line. */
  onCluster?: (event: ClusterEvent) => void;
}

/** Options for a live check: where the clusters are, and optionally the GitOps repository to compare them with. */
export interface LiveCheckOptions extends LiveOptions {
  /** A GitOps repository: out-of-sync compares it with the clusters, auto-assigned-nodeport learns from it which node ports are written. */
  repo?: string;
  /** Called as the repository's files are read. */
  onRepoProgress?: (read: number, total: number) => void;
  /** How the repository is read: more globs to leave out, and whether kind configs may lie outside it. */
  repoScan?: Pick<ScanOptions, 'exclude' | 'allowOutside'>;
  /** Which rules, clusters and severities the findings keep, as `check --rule`, `--cluster` and `--quiet` say. */
  check?: Pick<CheckOptions, 'only' | 'clusters' | 'quiet'>;
}

/** A live check's findings, with what was read and the drift per cluster. */
export interface LiveCheckResult extends CheckResult {
  live: LiveObservation;
  drift: DriftSummary;
}

/** Drift per cluster and rule, in the shape a metrics exporter wants (one gauge per cluster and rule). */
export interface DriftSummary {
  clusters: DriftCluster[];
}

/** One cluster's drift: whether it was read, what it holds, and its findings by rule id. */
export interface DriftCluster {
  cluster: string;
  /** False when the cluster could not be read (cluster-unreachable says why). */
  up: boolean;
  reason?: ClusterFailure['reason'];
  nodePorts: number;
  hostPorts: number;
  /** Node ports that Kubernetes chose itself, as far as the cluster or the repository tells. */
  automaticNodePorts: number;
  /** Findings by rule id; rules that found nothing are absent. */
  findings: Record<string, number>;
}

/** Reads the live clusters (or the snapshots) and checks the registry, and the repository when given, against them. */
export async function checkLive(options: LiveCheckOptions): Promise<LiveCheckResult> {
  const live = await readLive(options);
  let observed: RepoObservation | undefined;
  if (options.repo !== undefined) {
    observed = scanRepo(options.repo, {
      ...options.repoScan,
      registry: options.registry,
      cwd: options.cwd ?? process.cwd(),
      ...(options.onRepoProgress ? { onProgress: options.onRepoProgress } : {}),
    });
  }
  const result = checkRegistry(options.registry, { ...options.check, live, ...(observed ? { observed } : {}) });
  return { ...result, live, drift: driftSummary(result, live) };
}

/** What the live clusters run: read from their API servers through the kubeconfig, or from snapshot files. */
export async function readLive(options: LiveOptions): Promise<LiveObservation> {
  if (options.snapshots && options.snapshots.length > 0) return readSnapshots(options, options.snapshots);
  const cwd = options.cwd ?? process.cwd();
  const config = loadKubeconfig({ ...(options.kubeconfig !== undefined ? { file: options.kubeconfig } : {}), ...(options.env ? { env: options.env } : {}), cwd });
  const contexts = new Set(config.getContexts().map((c) => c.name));
  const targets = liveTargets(options.registry, options.clusters, contexts);
  const outcomes = await readClusters(config, targets, options);
  const clusterIpNames = clusterIpNamesOf(options.registry);
  const observation = emptyObservation('live clusters');
  for (const outcome of outcomes) {
    if ('failure' in outcome) {
      observation.failures.push(outcome.failure);
      continue;
    }
    const objects = readSnapshot(`live:${outcome.read.cluster}`, snapshotText(outcome.read, outcome.objects, new Date(0))).objects;
    add(observation, outcome.read, clusterClaims(outcome.read.cluster, objects, { clusterIpNames, live: true }));
  }
  return observation;
}

/** `portolan snapshot --cluster C`: what one cluster runs, as a snapshot file's text; a cluster that cannot be read is an error. */
export async function snapshotCluster(options: LiveOptions & { cluster: string; now?: Date }): Promise<string> {
  const cwd = options.cwd ?? process.cwd();
  const config = loadKubeconfig({ ...(options.kubeconfig !== undefined ? { file: options.kubeconfig } : {}), ...(options.env ? { env: options.env } : {}), cwd });
  const [target] = liveTargets(options.registry, [options.cluster], new Set(config.getContexts().map((c) => c.name)));
  const [outcome] = await readClusters(config, [target!], options);
  if (!outcome || 'failure' in outcome) {
    const failure = outcome && 'failure' in outcome ? outcome.failure : undefined;
    throw new UsageError(`cannot read cluster ${options.cluster} (context ${target!.context}): ${failure?.message ?? 'no answer'}`);
  }
  return snapshotText(outcome.read, outcome.objects, options.now ?? new Date());
}

/** Counts per cluster and rule of a live check's findings. */
export function driftSummary(result: CheckResult, live: LiveObservation): DriftSummary {
  const names = [...new Set([...live.clusters, ...live.failures.map((f) => f.cluster)])].sort();
  return {
    clusters: names.map((cluster) => {
      const failure = live.failures.find((f) => f.cluster === cluster);
      const claims = live.claims.filter((c) => c.cluster === cluster);
      const findings: Record<string, number> = {};
      for (const finding of result.findings) if (finding.cluster === cluster) findings[finding.ruleId] = (findings[finding.ruleId] ?? 0) + 1;
      return {
        cluster,
        up: failure === undefined,
        ...(failure ? { reason: failure.reason } : {}),
        nodePorts: claims.filter((c) => c.kind === 'nodePort').length,
        hostPorts: claims.filter((c) => c.kind === 'hostPort').length,
        automaticNodePorts: claims.filter((c) => c.nodePortOrigin === 'automatic').length,
        findings,
      };
    }),
  };
}

/**
 * The clusters to read and their contexts: those named, or else every registry cluster that
 * names a context or whose own name is one in the kubeconfig (as kind and k3d name theirs).
 */
function liveTargets(registry: Registry, named: readonly string[] | undefined, contexts: ReadonlySet<string>): ClusterTarget[] {
  const known = registry.clusters.map((c) => c.name);
  for (const name of named ?? []) {
    if (!known.includes(name)) throw new UsageError(`unknown cluster "${name}"; ${suggestion(name, known, 'clusters')}`);
  }
  const chosen = registry.clusters.filter((c) => (named && named.length > 0 ? named.includes(c.name) : c.context !== undefined || contexts.has(c.name)));
  if (chosen.length === 0) {
    throw new UsageError('no cluster to read: give each cluster its kubeconfig context as clusters.NAME.context in the registry, or name one with --cluster');
  }
  return chosen.map((c) => ({ cluster: c.name, context: c.context ?? c.name }));
}

/** Reads snapshot files; plain kubectl output names no cluster, so it needs `CLUSTER=FILE`, one --cluster, or a registry of one cluster. */
function readSnapshots(options: LiveOptions, entries: readonly string[]): LiveObservation {
  const cwd = options.cwd ?? process.cwd();
  const registry = options.registry;
  const known = registry.clusters.map((c) => c.name);
  const clusterIpNames = clusterIpNamesOf(registry);
  const observation = emptyObservation(entries.map((entry) => entry.replace(/^[a-z0-9-]+=/, '')).join(', '));
  for (const entry of entries) {
    const named = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(.+)$/.exec(entry);
    const file = named ? named[3]! : entry;
    const path = resolve(cwd, file);
    // Only a regular file, and no larger than a registry may be: not a FIFO, not /dev/zero.
    const content = readTextFile(path, file);
    const snapshot = readSnapshot(displayPath(path, cwd), content);
    const fallback = options.clusters?.length === 1 ? options.clusters[0] : known.length === 1 ? known[0] : undefined;
    const cluster = named?.[1] ?? snapshot.header?.cluster ?? fallback;
    if (cluster === undefined) {
      throw new UsageError(`${file} does not say which cluster it was read from; name it: --live-snapshot CLUSTER=${file} (or --cluster CLUSTER)`);
    }
    if (!known.includes(cluster)) throw new UsageError(`${file} is a snapshot of cluster "${cluster}", which the registry does not define; ${suggestion(cluster, known, 'clusters')}`);
    if (options.clusters && options.clusters.length > 0 && !options.clusters.includes(cluster)) continue;
    const read: ClusterRead = { cluster, context: snapshot.header?.context ?? cluster, server: snapshot.file, counts: snapshot.header?.counts ?? {}, requests: 0 };
    add(observation, read, clusterClaims(cluster, snapshot.objects, { clusterIpNames }));
  }
  return observation;
}

function emptyObservation(root: string): LiveObservation {
  return { root, clusters: [], claims: [], services: [], deployedNames: new Map(), reads: [], failures: [] };
}

function add(observation: LiveObservation, read: ClusterRead, found: { claims: PortClaim[]; services: LiveObservation['services']; names: Set<string> }): void {
  if (!observation.clusters.includes(read.cluster)) observation.clusters.push(read.cluster);
  observation.reads.push(read);
  observation.claims.push(...found.claims);
  observation.services.push(...found.services);
  const names = observation.deployedNames.get(read.cluster) ?? new Set<string>();
  for (const name of found.names) names.add(name);
  observation.deployedNames.set(read.cluster, names);
}

/** The names of the registry's ClusterIP services: their Service ports are compared too. */
function clusterIpNamesOf(registry: Registry): Set<string> {
  return new Set(registry.services.filter((s) => s.exposure === 'ClusterIP').flatMap((s) => (s.kubernetesName ? [s.name, s.kubernetesName] : [s.name])));
}

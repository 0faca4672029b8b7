import { AppsV1Api, BatchV1Api, CoreV1Api, Observable, type KubeConfig, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import type { ClusterFailure, ClusterFailureReason, ClusterRead } from '../../core/types.ts';
import { forContext } from './kubeconfig.ts';
import { trimObject, type LiveObject } from './snapshot.ts';

/** A cluster to read, and the kubeconfig context that reaches it. */
export interface ClusterTarget {
  cluster: string;
  context: string;
}

/** How to read clusters: how many at once, how long each may take, and how large a page is. */
export interface ReadOptions {
  /** Clusters read at the same time (4 by default). */
  concurrency?: number;
  /** How long one cluster may take, all its pages together, in milliseconds (30 s by default). */
  timeoutMs?: number;
  /** Objects per list request; the rest come with `continue` (500 by default, as kubectl's). */
  pageSize?: number;
  /** Called as each cluster starts and ends. */
  onCluster?: (event: ClusterEvent) => void;
}

/** A cluster started or ended. */
export type ClusterEvent =
  | { cluster: string; context: string; state: 'reading' }
  | { cluster: string; context: string; state: 'read'; read: ClusterRead }
  | { cluster: string; context: string; state: 'failed'; failure: ClusterFailure };

/** What one cluster runs, trimmed to what holds ports, or why it could not be read. */
export type ClusterOutcome = { read: ClusterRead; objects: LiveObject[] } | { failure: ClusterFailure };

interface Page {
  items: object[];
  metadata?: { _continue?: string };
}

interface Apis {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
}

type Lister = (apis: Apis, page: { limit: number; _continue?: string }, options: object) => Promise<Page>;

/** The resources read, by the name `kubectl auth can-i list` knows them; Services first, as everything hangs on them. */
const RESOURCES: readonly { resource: string; kind: string; apiVersion: string; list: Lister }[] = [
  { resource: 'services', kind: 'Service', apiVersion: 'v1', list: (a, p, o) => a.core.listServiceForAllNamespaces(p, o) },
  { resource: 'pods', kind: 'Pod', apiVersion: 'v1', list: (a, p, o) => a.core.listPodForAllNamespaces(p, o) },
  { resource: 'deployments.apps', kind: 'Deployment', apiVersion: 'apps/v1', list: (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o) },
  { resource: 'statefulsets.apps', kind: 'StatefulSet', apiVersion: 'apps/v1', list: (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o) },
  { resource: 'daemonsets.apps', kind: 'DaemonSet', apiVersion: 'apps/v1', list: (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o) },
  { resource: 'replicasets.apps', kind: 'ReplicaSet', apiVersion: 'apps/v1', list: (a, p, o) => a.apps.listReplicaSetForAllNamespaces(p, o) },
  { resource: 'jobs.batch', kind: 'Job', apiVersion: 'batch/v1', list: (a, p, o) => a.batch.listJobForAllNamespaces(p, o) },
  { resource: 'cronjobs.batch', kind: 'CronJob', apiVersion: 'batch/v1', list: (a, p, o) => a.batch.listCronJobForAllNamespaces(p, o) },
];

/** The resources a live read lists, for the README's ClusterRole and for messages. */
export const LIVE_RESOURCES: readonly string[] = RESOURCES.map((r) => r.resource);

/**
 * Reads every target, at most `concurrency` at once, each within its own timeout. A cluster that
 * has no context, does not answer, refuses (401, 403) or runs out of time is a failure for that
 * cluster; the others go on. Outcomes come back in the order of `targets`.
 */
export async function readClusters(config: KubeConfig, targets: readonly ClusterTarget[], options: ReadOptions = {}): Promise<ClusterOutcome[]> {
  const outcomes: ClusterOutcome[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      options.onCluster?.({ ...target, state: 'reading' });
      const outcome = await readCluster(config, target, options);
      outcomes[index] = outcome;
      options.onCluster?.('read' in outcome ? { ...target, state: 'read', read: outcome.read } : { ...target, state: 'failed', failure: outcome.failure });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, targets.length)) }, worker));
  return outcomes;
}

/** Reads one cluster's Services, Pods and workloads, page by page, within the timeout. */
export async function readCluster(config: KubeConfig, target: ClusterTarget, options: ReadOptions = {}): Promise<ClusterOutcome> {
  const fail = (reason: ClusterFailureReason, message: string): ClusterOutcome => ({ failure: { ...target, reason, message } });
  const single = forContext(config, target.context);
  if (!single) return fail('no-context', `the kubeconfig has no context "${target.context}"`);
  const server = single.getCurrentCluster()?.server;
  if (!server) return fail('no-context', `the kubeconfig's context "${target.context}" names no cluster with a server`);
  const apis: Apis = { core: single.makeApiClient(CoreV1Api), apps: single.makeApiClient(AppsV1Api), batch: single.makeApiClient(BatchV1Api) };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), abort.abort()), timeoutMs);
  // The generated clients take the abort signal through a middleware that sets it on each request;
  // their object-parameter methods pass options to the Observable layer, so the middleware returns Observables.
  const requestOptions = {
    middleware: [
      {
        pre: (context: RequestContext) => (context.setSignal(abort.signal), new Observable(Promise.resolve(context))),
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  };
  const counts: Record<string, number> = {};
  let requests = 0;
  // Each resource is listed page by page; the resources side by side, the first failure stopping the rest.
  const lists = RESOURCES.map(async ({ resource, kind, apiVersion, list }) => {
    const objects: LiveObject[] = [];
    counts[resource] = 0;
    let token: string | undefined;
    try {
      do {
        const page = await list(apis, { limit: options.pageSize ?? 500, ...(token ? { _continue: token } : {}) }, requestOptions);
        requests++;
        counts[resource] += page.items.length;
        for (const item of page.items) {
          const trimmed = trimObject({ apiVersion, kind, ...(item as Record<string, unknown>) });
          if (trimmed) objects.push(trimmed);
        }
        token = page.metadata?._continue || undefined;
      } while (token);
    } catch (error) {
      throw new ListError(resource, error);
    }
    return objects;
  });
  let objects: LiveObject[];
  try {
    objects = (await Promise.all(lists)).flat();
  } catch (error) {
    const { resource, cause } = error as ListError;
    if (timedOut) return fail('timeout', `no answer within ${timeoutMs / 1000} s (reading ${resource})`);
    abort.abort();
    await Promise.allSettled(lists);
    const { reason, message } = failureOf(cause);
    return fail(reason, `cannot list ${resource}: ${plain(message)}`);
  } finally {
    clearTimeout(timer);
  }
  return { read: { ...target, server, counts, requests }, objects };
}

/** A list request that failed, with the resource it was for. */
class ListError extends Error {
  constructor(
    readonly resource: string,
    override readonly cause: unknown,
  ) {
    super(`cannot list ${resource}`);
  }
}

/** An error from the client, as a reason and a message in the API server's words where it gave any. */
function failureOf(error: unknown): { reason: ClusterFailureReason; message: string } {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const status = statusMessage((error as { body?: unknown }).body);
    const reason = code === 401 ? 'unauthorized' : code === 403 ? 'forbidden' : 'failed';
    const name = code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'Not Found' : 'HTTP error';
    return { reason, message: `${code} ${name}${status ? `: ${status}` : ''}` };
  }
  // node-fetch's FetchError carries the socket's code (ECONNREFUSED, ENOTFOUND, a TLS error).
  const cause = error instanceof Error ? error.message : String(error);
  return { reason: 'unreachable', message: cause.replace(/^request to \S+ failed, reason: /, '') };
}

/** The `message` of a Kubernetes Status body, parsed or not. */
function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 200) || undefined;
    }
  }
  const message = (value as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** An API server's or a socket's words, with control characters (which a terminal would obey) made spaces. */
function plain(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

import type { LiveCheckResult, LiveOptions } from '../engine/live.ts';
import type { RegistryCache } from '../engine/registry-cache.ts';

/** How the server reads the live clusters on a schedule (`serve --live-interval`). */
export interface LiveScheduleOptions extends Pick<LiveOptions, 'kubeconfig' | 'env' | 'timeoutMs'> {
  /** Time between the end of one live check and the start of the next, in milliseconds. */
  intervalMs: number;
  /** A GitOps repository, so that out-of-sync compares it with the clusters. */
  repo?: string;
}

/** The last live check the schedule ran: its result, or why it could not run. */
export type LiveState =
  | { state: 'pending' }
  | { state: 'done'; at: Date; result: LiveCheckResult }
  | { state: 'failed'; at: Date; message: string };

/** A live check run now and then every interval over the registry held in memory, until stopped. */
export interface LiveSchedule {
  last(): LiveState;
  /** Resolves when the check under way (if any) has ended; for tests and for shutdown. */
  settled(): Promise<void>;
  stop(): void;
}

/**
 * Runs the engine's live check on a schedule. One check at a time: the next starts an interval
 * after the last one ended, so a slow cluster never piles checks up. A registry that does not
 * load, or a kubeconfig that cannot be read, is kept as the reason, and the schedule goes on.
 */
export function startLiveSchedule(cache: RegistryCache, cwd: string, options: LiveScheduleOptions): LiveSchedule {
  let state: LiveState = { state: 'pending' };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = async () => {
    try {
      // Loaded only here: the Kubernetes client is not started unless the server reads clusters.
      const { checkLive } = await import('../engine/live.ts');
      const result = await checkLive({
        registry: cache.current().registry,
        cwd,
        ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.env !== undefined ? { env: options.env } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.repo !== undefined ? { repo: options.repo } : {}),
      });
      state = { state: 'done', at: new Date(), result };
    } catch (error) {
      state = { state: 'failed', at: new Date(), message: error instanceof Error ? error.message : String(error) };
    }
    if (!stopped) timer = setTimeout(() => (running = run()), options.intervalMs);
  };
  running = run();
  return {
    last: () => state,
    settled: () => running,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

import { inputErrorsOf } from '../core/errors.ts';
import type { RegistryCache } from './registry-cache.ts';

/** Whether the registry on disk parses: its version when it does, its first error (with the line) when it does not. */
export interface RegistryState {
  state: 'ok' | 'broken';
  /** The ETag of the registry being served: the file's when ok, the last good one's when broken. */
  etag: string | null;
  error: { message: string; file: string | null; line: number | null; column: number | null; hint: string | null } | null;
}

/** The state of the file under a cache, reading it again when it changed. */
export function registryState(cache: RegistryCache): RegistryState {
  let etag: string | null = null;
  try {
    etag = cache.current().etag;
  } catch {
    // Never parsed: the failure below says why.
  }
  const failure = cache.lastFailure();
  if (failure === undefined) return { state: 'ok', etag, error: null };
  const first = inputErrorsOf(failure)[0];
  return {
    state: 'broken',
    etag,
    error: first
      ? { message: first.message, file: first.at?.file ?? null, line: first.at?.line ?? null, column: first.at?.column ?? null, hint: first.hint ?? null }
      : { message: (failure as Error).message ?? String(failure), file: null, line: null, column: null, hint: null },
  };
}

/**
 * Tells listeners when the registry file changes or breaks: polls the cache's file stamp every
 * `intervalMs` while someone listens (a `git pull` or the CLI may change the file at any time).
 */
export class RegistryWatch {
  private readonly listeners = new Set<(state: RegistryState) => void>();
  private timer: NodeJS.Timeout | undefined;
  private last = '';

  constructor(
    private readonly cache: RegistryCache,
    private readonly intervalMs = 250,
  ) {}

  /** Calls `listener` with the state now and on every change; the returned function stops it. */
  subscribe(listener: (state: RegistryState) => void): () => void {
    const now = registryState(this.cache);
    if (this.listeners.size === 0) this.last = JSON.stringify(now);
    this.listeners.add(listener);
    listener(now);
    this.timer ??= setInterval(() => this.poll(), this.intervalMs);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Stops polling and forgets every listener. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private poll(): void {
    const state = registryState(this.cache);
    const key = JSON.stringify(state);
    if (key === this.last) return;
    this.last = key;
    for (const listener of this.listeners) listener(state);
  }
}

import { withFileLock, isAlive } from '../registry/lock.ts';
import { pendingChange, recoverChange, type ChangeIntent, type Recovery } from '../registry/transaction.ts';

/** How to recover a registry's interrupted change. */
export interface RecoverOptions {
  /** Follow a record that names files outside the registry's repository. */
  allowOutside?: boolean;
  lockTimeoutMs?: number;
}

/** Under the registry's lock, finishes (or, when no file was replaced yet, undoes) a change a crash interrupted; undefined when none was. */
export async function recoverRegistry(registryFile: string, options: RecoverOptions = {}): Promise<Recovery | undefined> {
  return withFileLock(registryFile, () => recoverChange(registryFile, isAlive, options.allowOutside === true), {
    ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}),
  });
}

/**
 * The registry's interrupted change, if one is recorded beside it by a process that has died;
 * nothing is changed. A record whose writer still runs is a change in progress, not an interrupted one.
 */
export function interruptedChange(registryFile: string): ChangeIntent | undefined {
  const pending = pendingChange(registryFile, true);
  return pending && !isAlive(pending.pid) ? pending : undefined;
}

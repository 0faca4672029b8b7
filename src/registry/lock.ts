import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../core/errors.ts';
import { removeDeadWritersFiles } from './atomic-write.ts';

/** Who holds a registry's lock, as written inside the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken, ISO 8601. */
  since: string;
}

/** How to wait for a lock. */
export interface LockOptions {
  /** How long to wait for another holder before giving up, in milliseconds. */
  timeoutMs?: number;
  /** Called once when the lock is held by someone else and waiting begins. */
  onWait?: (holder: LockHolder | undefined) => void;
}

/** How old an empty or unreadable lock file must be before it counts as left by a crash. */
const UNREADABLE_STALE_MS = 10_000;

/** The lock file that guards `file`: the same name with `.lock` added. */
export function lockFileOf(file: string): string {
  return `${file}.lock`;
}

/**
 * Runs `work` while holding the lock on `file`, so that read-decide-write by several processes
 * happens one at a time. The lock is a file created exclusively next to `file`, holding the
 * holder's pid, host and start time; a lock whose holder process has died on this host is
 * broken and taken over.
 */
export async function withFileLock<T>(file: string, work: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = lockFileOf(file);
  const content = await acquire(file, lock, options);
  try {
    removeDeadWritersFiles(file, isAlive);
    return await work();
  } finally {
    release(lock, content);
  }
}

async function acquire(file: string, lock: string, options: LockOptions): Promise<string> {
  const content = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockHolder)}\n`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      return content;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new InputError(`cannot create the lock file ${lock}: ${code ?? String(error)}`, undefined, "the registry's folder must be writable", { cause: error });
    }
    const seen = readLock(lock);
    if (seen === undefined) continue; // released between our attempt and our look
    const holder = parseHolder(seen.text);
    if (isStale(holder, seen.ageMs)) {
      breakStale(lock, seen.text);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : 'an unknown process';
      throw new InputError(`${file} is locked by ${who}`, undefined, `wait for it to finish; if no portolan command is running, delete ${lock}`);
    }
    if (!waited) {
      waited = true;
      options.onWait?.(holder);
    }
    // Random, growing pauses, so that many waiting processes do not retry in step.
    await sleep(Math.min(5 + attempt * 5, 100) * (0.5 + Math.random()));
  }
}

function release(lock: string, content: string): void {
  // Remove the lock only while it is still ours.
  if (readLock(lock)?.text === content) {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

function readLock(lock: string): { text: string; ageMs: number } | undefined {
  try {
    const ageMs = Date.now() - statSync(lock).mtimeMs;
    return { text: readFileSync(lock, 'utf8'), ageMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** A lock is stale when its holder ran on this host and is dead, or when it never got its contents. */
function isStale(holder: LockHolder | undefined, ageMs: number): boolean {
  if (!holder) return ageMs > UNREADABLE_STALE_MS;
  return holder.host === hostname() && !isAlive(holder.pid);
}

/**
 * Takes a dead holder's lock away. The lock is first renamed aside, which only one process can
 * do; if what was moved is not the stale lock that was read (another process broke it and took
 * a fresh lock in between), it is linked back.
 */
function breakStale(lock: string, staleText: string): void {
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) linkSync(aside, lock);
  } catch {
    // a new lock was taken meanwhile; its holder goes first
  } finally {
    unlinkSync(aside);
  }
}

/** True when a process with this pid exists (on this host). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

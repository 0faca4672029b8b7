import { closeSync, existsSync, linkSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../core/errors.ts';
import { removeDeadWritersFiles, temporaryFor } from './atomic-write.ts';
import { readTextFile } from './read-file.ts';
import { intentFileOf } from './transaction.ts';

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
    // While a change is recorded as interrupted, its temporary files are its recovery's to handle.
    if (!existsSync(intentFileOf(file))) removeDeadWritersFiles(file, isAlive);
    removeDeadWritersFiles(lock, isAlive);
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
    if (createLock(lock, content)) return content;
    const seen = readLock(lock);
    if (seen === undefined) continue; // released between our attempt and our look
    const holder = parseHolder(seen.text);
    if (isStale(holder)) {
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

/**
 * Creates the lock with its contents in one step: the holder is written to a temporary file that
 * is then hard-linked to the lock's name, which fails when the lock exists. So a lock file is never
 * seen empty or half-written, even when the disk is full; false when another holds the lock.
 */
function createLock(lock: string, content: string): boolean {
  const fail = (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot create the lock file ${lock}: ${code ?? String(error)}; nothing was changed`, undefined, "the registry's folder must be writable, with room on its disk", { cause: error });
  };
  const temporary = temporaryFor(lock);
  try {
    const fd = openSync(temporary, 'wx', 0o644);
    try {
      const bytes = Buffer.from(content);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(temporary, { force: true });
    fail(error);
  }
  try {
    linkSync(temporary, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    return fail(error);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** A lock holds one line of JSON; anything longer was not written by a holder. */
const LOCK_MAX_BYTES = 4096;

function readLock(lock: string): { text: string } | undefined {
  try {
    if (statSync(lock).isDirectory()) {
      throw new InputError(`the lock file ${lock} is a folder`, undefined, 'remove that folder; portolan creates the lock file itself');
    }
    return { text: readTextFile(lock, `the lock file ${lock}`, LOCK_MAX_BYTES) };
  } catch (error) {
    const cause = error instanceof InputError ? error.cause : error;
    if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined; // released meanwhile
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read the lock file ${lock}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, undefined, undefined, { cause: error });
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    // Pid 0 and negative pids name process groups, not a holder: kill(0) would always answer.
    return Number.isSafeInteger(holder.pid) && holder.pid! > 0 && typeof holder.host === 'string' ? (holder as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A lock is stale when its holder ran on this host and is dead, or when it names no holder:
 * locks are created whole, so an empty or garbled one was never a live holder's.
 */
function isStale(holder: LockHolder | undefined): boolean {
  if (!holder) return true;
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
    if (readTextFile(aside, aside, LOCK_MAX_BYTES) !== staleText) linkSync(aside, lock);
  } catch {
    // a new lock was taken meanwhile; its holder goes first
  } finally {
    unlinkSync(aside);
  }
}

/** True when a process with this pid exists (on this host). */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

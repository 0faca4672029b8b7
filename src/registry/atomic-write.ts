import { chmodSync, closeSync, fsyncSync, lstatSync, openSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The prefix of the temporary files written next to a file before they replace it. */
function temporaryPrefix(file: string): string {
  return `.${basename(file)}.tmp-`;
}

/** A new temporary file's path next to `file`, named after this process so that a dead one's can be found. */
export function temporaryFor(file: string): string {
  return join(dirname(file), `${temporaryPrefix(file)}${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** True when `temporary` is a name `temporaryFor(file)` gives. */
export function isTemporaryOf(file: string, temporary: string): boolean {
  const prefix = temporaryPrefix(file);
  const name = basename(temporary);
  return dirname(temporary) === dirname(file) && name.startsWith(prefix) && /^\d+-[0-9a-f]{8}$/.test(name.slice(prefix.length));
}

/**
 * The file a write to `file` replaces: the symlink's target when `file` is a symlink (a registry
 * linked from elsewhere stays a link), else `file` itself.
 */
export function writeTarget(file: string): string {
  try {
    return lstatSync(file).isSymbolicLink() ? realpathSync(file) : file;
  } catch {
    return file; // a new file, or a dangling link (refused before by the containment check)
  }
}

/**
 * Writes `text` to a new temporary file next to `target` with `target`'s permissions and flushes
 * it to disk; on failure the temporary file is removed and the error thrown.
 */
export function writeTemporary(temporary: string, text: string, target: string): void {
  let mode: number | undefined;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    mode = undefined; // a new file
  }
  const fd = openSync(temporary, 'wx', mode ?? 0o644);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    // Positional writes (pwrite): the file's own calls, apart from the runtime's writes to its pipes.
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
    fsyncSync(fd);
    if (mode !== undefined) chmodSync(temporary, mode);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
}

/**
 * Replaces `file` with `text` so that a reader (or a crash) sees either the old file or the new
 * one, never a mix: the text goes to a temporary file in the same folder, is flushed to disk,
 * and is renamed over the old file; then the folder itself is flushed, so the rename survives.
 * A symlink is written through: its target gets the new text.
 */
export function writeFileAtomic(file: string, text: string): void {
  const target = writeTarget(file);
  const temporary = temporaryFor(target);
  writeTemporary(temporary, text, target);
  try {
    renameSync(temporary, target);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
  syncFolder(dirname(target));
}

/** Removes temporary files that writers killed before their rename left next to `file`. */
export function removeDeadWritersFiles(file: string, isAlive: (pid: number) => boolean): void {
  const prefix = temporaryPrefix(file);
  for (const name of readdirSync(dirname(file))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      try {
        unlinkSync(join(dirname(file), name));
      } catch {
        // another process removed it first
      }
    }
  }
}

/** Flushes a folder, so that renames and removals in it survive a crash. */
export function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some systems cannot flush a folder; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

import { closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The prefix of the temporary files written next to a file before they replace it. */
function temporaryPrefix(file: string): string {
  return `.${basename(file)}.tmp-`;
}

/**
 * Replaces `file` with `text` so that a reader (or a crash) sees either the old file or the new
 * one, never a mix: the text goes to a temporary file in the same folder, is flushed to disk,
 * and is renamed over the old file; then the folder itself is flushed, so the rename survives.
 */
export function writeFileAtomic(file: string, text: string): void {
  const folder = dirname(file);
  const temporary = join(folder, `${temporaryPrefix(file)}${process.pid}-${randomBytes(4).toString('hex')}`);
  let mode: number | undefined;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    mode = undefined; // a new file
  }
  const fd = openSync(temporary, 'wx', mode ?? 0o644);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  if (mode !== undefined) chmodSync(temporary, mode);
  renameSync(temporary, file);
  syncFolder(folder);
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

function syncFolder(folder: string): void {
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

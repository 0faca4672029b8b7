import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { fileError, InputError } from '../core/errors.ts';
import { MAX_YAML_BYTES } from '../yaml/yaml-source.ts';

/** What a file that is not a regular file is, for the message that refuses it. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A regular file's bytes, read only when it is one and only up to `limit` bytes (64 MiB by
 * default): a folder, a FIFO, a device such as /dev/zero or a socket is refused before anything
 * is read, and so is a file that is, or grows while read, over the limit. Opening does not wait
 * for a FIFO's writer. Every refusal is an InputError naming `shown`.
 */
export function readFileBytes(path: string, shown: string, limit = MAX_YAML_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fileError(shown, error);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw fileError(shown, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    if (!stats.isFile()) throw new InputError(`${shown} is ${kindOf(stats)}; only regular files are read`, undefined, 'give a file');
    const tooLarge = () =>
      new InputError(`${shown} is over ${limit / 1048576} MiB; files that large are not read`, { file: shown, line: 1, column: 1 });
    if (stats.size > limit) throw tooLarge();
    // Read at most one byte past the limit: a file that grew since fstat is still cut off.
    let bytes = Buffer.allocUnsafe(Math.min(stats.size, limit) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, bytes, length, bytes.length - length, length);
      if (read === 0) break;
      length += read;
      if (length > limit) throw tooLarge();
      if (length === bytes.length) {
        const larger = Buffer.allocUnsafe(Math.min(bytes.length * 2, limit + 1));
        bytes.copy(larger, 0, 0, length);
        bytes = larger;
      }
    }
    return bytes.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(shown, error);
  } finally {
    closeSync(fd);
  }
}

/** A regular file's UTF-8 text, as `readFileBytes` reads it. */
export function readTextFile(path: string, shown: string, limit = MAX_YAML_BYTES): string {
  return readFileBytes(path, shown, limit).toString('utf8');
}

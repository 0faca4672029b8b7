import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileError } from '../core/errors.ts';

/**
 * Writes `text` to `file` through a temporary file in the same folder and a rename, so a failed
 * write never leaves half a file behind. A file that cannot be written is an InputError.
 */
export function writeFileAtomic(file: string, text: string, shown = file): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw fileError(shown, error, 'its folder must exist and be writable');
  }
}

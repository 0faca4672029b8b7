import { fileError } from '../core/errors.ts';
import { writeFileAtomic as replaceFile } from '../registry/atomic-write.ts';

/**
 * Writes `text` to `file` through a flushed temporary file in the same folder and a rename, so a
 * failed write never leaves half a file behind; a symlink is written through. A file that cannot
 * be written is an InputError.
 */
export function writeFileAtomic(file: string, text: string, shown = file): void {
  try {
    replaceFile(file, text);
  } catch (error) {
    // The temporary file is removed by the atomic write itself when it fails.
    throw fileError(shown, error, 'its folder must exist and be writable, with room on its disk; nothing was changed');
  }
}

import { InputError } from '../core/errors.ts';
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
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`${shown}: cannot write: ${code}; nothing was changed`, undefined, 'check that its folder exists and can be written, with room on its disk', { cause: error });
  }
}

import type { Location } from './types.ts';
import { escapeControls } from './escape.ts';

/**
 * What an input error refuses, for a door that answers with a status: `not-found`, a name the
 * registry does not have (a service, cluster or range); `taken`, a port or name someone already
 * holds, or a range with no room left. Any other input error has no kind.
 */
export type InputErrorKind = 'not-found' | 'taken';

/** A mistake in the user's input, reported with where it is and what would be right. */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** What the error refuses, when it is a missing name or a port already held. */
  readonly kind?: InputErrorKind;
  constructor(
    message: string,
    readonly at?: Location,
    readonly hint?: string,
    options?: { cause?: unknown; kind?: InputErrorKind },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.kind !== undefined) this.kind = options.kind;
  }
}

/** Several input mistakes found at once (a registry with three bad keys gives three). */
export class InputErrors extends Error {
  override readonly name = 'InputErrors';
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** A wrong command line: an unknown option, a missing argument, a bad value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Formats an input error as `file:line:column: message (hint)`. */
export function formatInputError(error: InputError): string {
  const where = error.at ? `${error.at.file}:${error.at.line}:${error.at.column}: ` : '';
  return escapeControls(`${where}${error.message}${error.hint ? `\n  ${error.hint}` : ''}`);
}

/** Every input error inside `error`, or none when it is not one. */
export function inputErrorsOf(error: unknown): InputError[] {
  if (error instanceof InputErrors) return error.errors;
  if (error instanceof InputError) return [error];
  return [];
}

/**
 * A file that cannot be read or written, in the same words in every command:
 * `PORTS.md: no such file or folder`, `docs: is a folder, not a file`.
 */
export function fileError(shown: string, error: unknown, hint?: string): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const words =
    code === 'ENOENT'
      ? 'no such file or folder'
      : code === 'EISDIR'
        ? 'is a folder, not a file'
        : code === 'ENOTDIR'
          ? 'a part of the path is a file, not a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : `cannot be read or written (${code ?? String(error)})`;
  return new InputError(`${shown}: ${words}`, undefined, hint, { cause: error });
}

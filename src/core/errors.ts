import type { Location } from './types.ts';
import { escapeControls } from './escape.ts';

/** A mistake in the user's input, reported with where it is and what would be right. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly at?: Location,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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

import { formatInputError, inputErrorsOf, UsageError, type InputErrorKind } from '../core/errors.ts';
import { StaleRegistryError } from '../engine/registry-changes.ts';

/** An RFC 9457 problem document, as every rejected request gets it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: string[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A problem with a status and the words the CLI would print. */
export function problem(status: number, detail: string, errors?: string[]): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...(errors ? { errors } : {}) };
}

// What the engine refuses, by the kind it gives its error: a name that is not there is 404, a port
// or name someone already holds (or a range with no room left) is 409; any other input is 422.
const STATUS_OF_KIND: Record<InputErrorKind, number> = { 'not-found': 404, taken: 409 };

/** The problem for an error the engine threw, or undefined when it is a bug. */
export function problemOf(error: unknown): Problem | undefined {
  if (error instanceof StaleRegistryError) return problem(412, error.message);
  if (error instanceof UsageError) return problem(400, error.message);
  const inputErrors = inputErrorsOf(error);
  if (inputErrors.length === 0) return undefined;
  const first = inputErrors[0]!;
  const status = first.kind !== undefined ? STATUS_OF_KIND[first.kind] : 422;
  const lines = inputErrors.map(formatInputError);
  return problem(status, lines[0]!, lines.length > 1 ? lines : undefined);
}

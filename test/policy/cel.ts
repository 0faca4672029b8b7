import { parse } from '@marcbachmann/cel-js';
import type { PolicyShape } from '../../src/policy/validating-admission-policy.ts';

// Evaluates a generated policy the way the API server does: `object`, `oldObject`, `request`,
// `params` and lazily evaluated `variables`, with JSON integers as CEL ints (int64).
// The policy uses only the standard CEL library, its macros, and `split` from Kubernetes'
// strings extension, which cel-js implements with the same behaviour
// (`'a,b'.split(',')` is ['a', 'b'], and an empty string splits into ['']).

/** What one validation said about an object. */
export interface ValidationResult {
  id: string;
  passed: boolean;
  /** The messageExpression's value when the validation failed. */
  message?: string;
}

/** The inputs of one admission, as the API server binds them. */
export interface CelAdmission {
  object: unknown;
  oldObject?: unknown;
  request: { namespace: string; operation: string; name?: string };
  params: { data: Record<string, string> };
}

const compiled = new Map<string, (context: Record<string, unknown>) => unknown>();

function compile(expression: string): (context: Record<string, unknown>) => unknown {
  let program = compiled.get(expression);
  if (!program) {
    program = parse(expression) as (context: Record<string, unknown>) => unknown;
    compiled.set(expression, program);
  }
  return program;
}

/** JSON as CEL sees a Kubernetes object: whole numbers are ints. */
export function celValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(celValue);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, celValue(v)]));
  return value;
}

/** Runs every validation of `shape` against one admission. */
export function evaluateShape(shape: PolicyShape, admission: CelAdmission): ValidationResult[] {
  const variables: Record<string, unknown> = {};
  const context: Record<string, unknown> = {
    object: celValue(admission.object),
    oldObject: admission.oldObject === undefined ? null : celValue(admission.oldObject),
    request: admission.request,
    params: admission.params,
    variables,
  };
  // Variables are evaluated when first read, as Kubernetes does, and at most once.
  for (const variable of shape.variables) {
    let done = false;
    let value: unknown;
    Object.defineProperty(variables, variable.name, {
      enumerable: true,
      get() {
        if (!done) {
          value = compile(variable.expression)(context);
          done = true;
        }
        return value;
      },
    });
  }
  return shape.validations.map((validation) => {
    const passed = compile(validation.expression)(context);
    if (typeof passed !== 'boolean') throw new Error(`${validation.id}: expression gave ${String(passed)}, not a bool`);
    if (passed) return { id: validation.id, passed };
    return { id: validation.id, passed, message: String(compile(validation.messageExpression)(context)) };
  });
}

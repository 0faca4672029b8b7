import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { suggestion } from '../core/suggest.ts';
import type { YamlPath } from '../yaml/yaml-source.ts';

/** One reason a value does not fit the schema, in words a person can act on. */
export interface SchemaProblem {
  path: YamlPath;
  /** Whether the problem is the key itself (an unknown key) or its value. */
  part: 'key' | 'value';
  message: string;
  hint?: string;
}

type JsonSchema = {
  type?: string;
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  description?: string;
  /** How a message names what the value must be, such as `a list of cluster names`. */
  title?: string;
};

const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/**
 * Explains why `value` fails `schema`, most specific problem first. Where a union fails, it
 * follows the variant whose shape the value has, so `port: 70000` says the valid span rather
 * than "expected a number or a mapping".
 */
export function explain(schema: TSchema, value: unknown, path: YamlPath = []): SchemaProblem[] {
  return walk(schema as JsonSchema, value, path);
}

function walk(schema: JsonSchema, value: unknown, path: YamlPath): SchemaProblem[] {
  if (schema.anyOf) return walkUnion(schema, value, path);
  if (schema.const !== undefined) {
    return value === schema.const ? [] : [problem(path, `${where(path)} must be ${JSON.stringify(schema.const)}`)];
  }
  switch (schema.type) {
    case 'object':
      return walkObject(schema, value, path);
    case 'array':
      if (!Array.isArray(value)) return [problem(path, `${where(path)} must be a list, not ${kindOf(value)}`)];
      if (schema.minItems && value.length < schema.minItems) {
        return [problem(path, `${where(path)} must list at least ${schema.minItems} item(s)`)];
      }
      return schema.items ? value.flatMap((item, i) => walk(schema.items!, item, [...path, i])) : [];
    case 'string':
      return walkString(schema, value, path);
    case 'integer':
    case 'number':
      return walkNumber(schema, value, path);
    case 'boolean':
      return typeof value === 'boolean' ? [] : [problem(path, `${where(path)} must be true or false, not ${kindOf(value)}`)];
    default:
      return [];
  }
}

function walkUnion(schema: JsonSchema, value: unknown, path: YamlPath): SchemaProblem[] {
  const variants = schema.anyOf!;
  if (variants.some((variant) => Value.Check(variant as TSchema, value))) return [];
  const constants = variants.filter((variant) => variant.const !== undefined).map((variant) => String(variant.const));
  if (constants.length === variants.length) {
    const shown = constants.join(', ');
    const hint = typeof value === 'string' ? suggestion(value, constants, 'valid values') : `valid values: ${shown}`;
    return [problem(path, `${where(path)} is ${JSON.stringify(value)}; expected one of ${shown}`, hint)];
  }
  const sameShape = variants.filter((variant) => shapeFits(variant, value));
  // `clusters: prod` has the shape of `all`, but the list is what was meant: name every variant.
  if (sameShape.length === 1 && sameShape[0]!.const !== undefined) {
    const hint = typeof value === 'string' && variants.some((variant) => variant.type === 'array') ? `a list is written [${value}]` : undefined;
    return [problem(path, `${where(path)} is ${JSON.stringify(value)}; it must be ${[...variants].sort((a, b) => Number(a.const !== undefined) - Number(b.const !== undefined)).map(describe).join(' or ')}`, hint)];
  }
  if (sameShape.length === 1) return walk(sameShape[0]!, value, path);
  return [problem(path, `${where(path)} must be ${variants.map(describe).join(' or ')}, not ${kindOf(value)}`)];
}

function walkObject(schema: JsonSchema, value: unknown, path: YamlPath): SchemaProblem[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [problem(path, `${where(path)} must be a mapping, not ${kindOf(value)}`)];
  }
  const problems: SchemaProblem[] = [];
  const record = value as Record<string, unknown>;
  for (const key of schema.required ?? []) {
    if (!(key in record)) problems.push(problem(path, `${where(path)} is missing the key "${key}"`));
  }
  const known = Object.keys(schema.properties ?? {});
  const patterns = Object.entries(schema.patternProperties ?? {});
  for (const [key, child] of Object.entries(record)) {
    const property = schema.properties?.[key];
    if (property) {
      problems.push(...walk(property, child, [...path, key]));
      continue;
    }
    const pattern = patterns.find(([source]) => new RegExp(source).test(key));
    if (pattern) {
      problems.push(...walk(pattern[1], child, [...path, key]));
    } else if (patterns.length > 0) {
      problems.push({
        path: [...path, key],
        part: 'key',
        message: `"${key}" is not a valid name in ${where(path)}`,
        hint: nameHint(patterns[0]![0]),
      });
    } else if (schema.additionalProperties === false) {
      problems.push({
        path: [...path, key],
        part: 'key',
        message: `unknown key "${key}" in ${where(path)}`,
        hint: suggestion(key, known, 'valid keys'),
      });
    }
  }
  return problems;
}

function walkString(schema: JsonSchema, value: unknown, path: YamlPath): SchemaProblem[] {
  if (typeof value !== 'string') return [problem(path, `${where(path)} must be text, not ${kindOf(value)}`)];
  if (schema.minLength && value.length < schema.minLength) return [problem(path, `${where(path)} must not be empty`)];
  if (schema.maxLength && value.length > schema.maxLength) {
    return [problem(path, `${where(path)} is ${value.length} characters; at most ${schema.maxLength} are allowed`)];
  }
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
    return [problem(path, `${where(path)} is "${value}", which is not ${describe(schema)}`, nameHint(schema.pattern))];
  }
  return [];
}

function walkNumber(schema: JsonSchema, value: unknown, path: YamlPath): SchemaProblem[] {
  if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
    return [problem(path, `${where(path)} must be ${describe(schema)}, not ${kindOf(value)}`)];
  }
  if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
    return [problem(path, `${where(path)} is ${value}; valid ports are ${schema.minimum}-${schema.maximum}`)];
  }
  return [];
}

function shapeFits(schema: JsonSchema, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((variant) => shapeFits(variant, value));
  switch (schema.type) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

function describe(schema: JsonSchema): string {
  if (schema.title !== undefined) return schema.title;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(describe).join(' or ');
  switch (schema.type) {
    case 'integer':
      return schema.maximum === 65535 ? 'a port number (1-65535)' : 'a whole number';
    case 'string':
      if (schema.pattern === NAME_PATTERN) return 'a lowercase name';
      if (schema.pattern) return 'a port span such as 30100-30199';
      return 'text';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return String(schema.type);
  }
}

function nameHint(pattern: string): string | undefined {
  return pattern === NAME_PATTERN ? 'names use lowercase letters, digits and "-", and start and end with a letter or digit' : undefined;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

/** A dotted path such as `services.vllm.port`, or `the registry` at the top. */
export function where(path: YamlPath): string {
  if (path.length === 0) return 'the registry';
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function problem(path: YamlPath, message: string, hint?: string): SchemaProblem {
  return { path, part: 'value', message, ...(hint ? { hint } : {}) };
}

import { InputError } from '../../core/errors.ts';
import type { Location, SkippedValue } from '../../core/types.ts';
import { YamlSource, type YamlPath } from '../../yaml/yaml-source.ts';

/** One Kubernetes object read from a file, with the way back to its text. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The object as parsed. */
  body: Record<string, unknown>;
  source: YamlSource;
  /** Where the object sits in its document (`[]`, or `['items', 3]` inside a List). */
  path: YamlPath;
}

/** A parsed manifest file: its objects, and the template expressions skipped to read it. */
export interface ManifestFile {
  file: string;
  objects: KubeObject[];
  skipped: SkippedValue[];
}

/** A plain-object view of a parsed YAML value, or undefined. */
export function mapping(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A YAML value that is a list, or an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A YAML value that is a string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Where a path inside an object starts. */
export function locateIn(object: KubeObject, path: YamlPath, part: 'key' | 'value' = 'value'): Location {
  return object.source.locate([...object.path, ...path], part);
}

/**
 * Reads every object of a multi-document YAML file; `List` objects give their items. A Helm
 * template that is not YAML until rendered is read with its `{{ }}` expressions blanked out, and
 * each blanked expression on a line that mentions a port is reported as skipped.
 */
export function readManifest(file: string, content: string, keep?: (from: number, to: number) => boolean): ManifestFile {
  const skipped: SkippedValue[] = [];
  return { file, objects: objectsOf(readDocuments(file, content, skipped, keep)), skipped };
}

/**
 * Every YAML document of a file; one that is not YAML until Helm renders it is read with its
 * `{{ }}` blanked out, each recorded in `skipped`. With `keep`, only the documents it takes
 * (see `YamlSource.parseAll`).
 */
export function readDocuments(file: string, content: string, skipped: SkippedValue[] = [], keep?: (from: number, to: number) => boolean): YamlSource[] {
  const options = keep ? { keep } : {};
  try {
    return YamlSource.parseAll(file, content, options);
  } catch (error) {
    if (!(error instanceof InputError) || !content.includes('{{')) throw error;
    // Blanking keeps every offset where it was, so `keep` sees the same ranges.
    return YamlSource.parseAll(file, blankTemplates(file, content, skipped), options);
  }
}

/** Reads a Helm chart template: every `{{ }}` blanked first, so only what is written literally is read. */
export function readTemplate(file: string, content: string): ManifestFile {
  return { file, objects: objectsOf(YamlSource.parseAll(file, blankTemplates(file, content, []))), skipped: [] };
}

function objectsOf(documents: readonly YamlSource[]): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const source of documents) {
    const body = mapping(source.value);
    if (!body) continue;
    const object = objectOf(body, source, []);
    if (!object) continue;
    if (object.kind === 'List' || object.kind.endsWith('List')) {
      list(body.items).forEach((entry, i) => {
        const item = mapping(entry);
        const inner = item && objectOf(item, source, ['items', i]);
        if (inner) objects.push(inner);
      });
    } else objects.push(object);
  }
  return objects;
}

function objectOf(body: Record<string, unknown>, source: YamlSource, path: YamlPath): KubeObject | undefined {
  const kind = text(body.kind);
  if (kind === undefined) return undefined;
  const metadata = mapping(body.metadata);
  const namespace = text(metadata?.namespace);
  return {
    apiVersion: text(body.apiVersion) ?? '',
    kind,
    name: text(metadata?.name) ?? '',
    ...(namespace !== undefined ? { namespace } : {}),
    body,
    source,
    path,
  };
}

/** Replaces each `{{ ... }}` with spaces (newlines kept), so positions stay where they were. */
function blankTemplates(file: string, content: string, skipped: SkippedValue[]): string {
  const lineStarts: number[] = [0];
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // Expressions come in order: the line found for one is where the search for the next starts.
  let line = 0;
  return content.replace(/\{\{[\s\S]*?\}\}/g, (expression, offset: number) => {
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    const lineEnd = content.indexOf('\n', offset);
    const lineText = content.slice(lineStarts[line], lineEnd === -1 ? undefined : lineEnd);
    if (/port/i.test(lineText)) {
      skipped.push({ reason: 'Helm template expression', text: expression, at: { file, line: line + 1, column: offset - lineStarts[line]! + 1 } });
    }
    return expression.replace(/[^\n]/g, ' ');
  });
}

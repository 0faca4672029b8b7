import { realpathSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { InputError } from '../core/errors.ts';
import { toLf } from '../core/line-ends.ts';
import { isInside } from '../registry/contain.ts';
import { readTextFile } from '../registry/read-file.ts';

/** Where a finding's line is, and which folders a door may show lines from. */
export interface SourceLinesRequest {
  /** The file as a finding's location names it: relative to `cwd`, or absolute. */
  file: string;
  line: number;
  cwd: string;
  /** The registry file and, with --repo, the repository: lines are shown only from inside their folders. */
  roots: readonly string[];
  /** Lines shown before and after `line`. */
  around?: number;
}

/** A few numbered lines of a file, around the one a finding names. */
export interface SourceLines {
  file: string;
  line: number;
  lines: { line: number; text: string }[];
}

/** What findings point into: the registry, manifests, values, kind configs and helmfiles, port documents, chart templates. */
const SHOWN = /\.(ya?ml|md|markdown|tpl)$/i;

/**
 * The lines around `line` of a file inside the registry's folder or the repository, of a kind a
 * finding points into. Any other path is refused: a file outside those folders, a hidden one
 * (`.git/config`, `.env.yaml`), one of another kind (the tokens file, a key), and a Kubernetes
 * Secret, whose values are only encoded.
 */
export function sourceLines(request: SourceLinesRequest): SourceLines {
  const around = request.around ?? 4;
  const path = resolve(request.cwd, request.file);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new InputError(`${request.file}: no such file or folder`);
  }
  const root = request.roots.map((r) => realpathSync(r)).find((r) => real !== r && isInside(r, real));
  if (root === undefined) throw new InputError(`${request.file} is outside the registry's folder and the repository; only their files' lines are shown`);
  if (!SHOWN.test(real) || relative(root, real).split(sep).some((part) => part.startsWith('.'))) {
    throw new InputError(`${request.file} is not a file findings point into; lines are shown of YAML, Markdown and chart template files that are not hidden`);
  }
  const text = readTextFile(real, request.file);
  if (/^kind:\s*Secret\s*$/m.test(text)) throw new InputError(`${request.file} holds a Kubernetes Secret; its lines are not shown`);
  const all = toLf(text).split('\n');
  if (request.line < 1 || request.line > all.length) throw new InputError(`${request.file} has ${all.length} lines; line ${request.line} is not one of them`);
  const first = Math.max(1, request.line - around);
  const last = Math.min(all.length, request.line + around);
  return { file: request.file, line: request.line, lines: all.slice(first - 1, last).map((text, i) => ({ line: first + i, text })) };
}

/** The folders a registry's door shows lines from: the registry's own, and the repository's when given. */
export function sourceRoots(registryFile: string, repo?: string): string[] {
  return [dirname(registryFile), ...(repo !== undefined ? [repo] : [])];
}

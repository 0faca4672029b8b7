import { list, mapping, text } from '../k8s-manifests/objects.ts';
import { globPattern } from './globs.ts';

/** A cluster Argo CD knows: from the registry, or from a cluster Secret in the repository. */
export interface ArgoCluster {
  name: string;
  server?: string;
  labels: Record<string, string>;
}

/** One set of parameters a generator produces, by the names templates use (`path.basename`, `name`). */
export type Parameters = Record<string, string>;

/**
 * The parameter sets an ApplicationSet's generators produce: git directories, list elements,
 * clusters (the registry's and the repository's cluster Secrets, filtered by `selector.matchLabels`),
 * and a matrix or merge of two of them. A generator of another kind produces none.
 */
export function generate(value: unknown, folders: readonly string[], clusters: readonly ArgoCluster[]): Parameters[] {
  const generator = mapping(value);
  if (!generator) return [];
  const git = mapping(generator.git);
  if (git) return gitDirectories(git, folders);
  const fixed = mapping(generator.list);
  if (fixed) return list(fixed.elements).flatMap((element) => (mapping(element) ? [flatParameters(mapping(element)!)] : []));
  if (generator.clusters !== undefined) {
    const selector = mapping(mapping(mapping(generator.clusters)?.selector)?.matchLabels) ?? {};
    const wanted = Object.entries(selector).map(([k, v]) => [k, String(v)] as const);
    return clusters
      .filter((cluster) => wanted.every(([k, v]) => cluster.labels[k] === v))
      .map((cluster) => {
        const parameters: Parameters = { name: cluster.name, nameNormalized: normalize(cluster.name), server: cluster.server ?? '' };
        for (const [k, v] of Object.entries(cluster.labels)) parameters[`metadata.labels.${k}`] = v;
        return parameters;
      });
  }
  const combined = mapping(generator.matrix) ?? mapping(generator.merge);
  if (combined) {
    const [first, second] = list(combined.generators).map((g) => generate(g, folders, clusters));
    if (!first || !second) return first ?? [];
    return first.flatMap((a) => second.map((b) => ({ ...a, ...b })));
  }
  return [];
}

/** The git directory generator: one parameter set per folder matching an include, and no exclude. */
function gitDirectories(git: Record<string, unknown>, folders: readonly string[]): Parameters[] {
  const includes: RegExp[] = [];
  const excludes: RegExp[] = [];
  for (const entry of list(git.directories)) {
    const directory = mapping(entry);
    const path = text(directory?.path);
    if (path === undefined) continue;
    (directory?.exclude === true ? excludes : includes).push(globPattern(path));
  }
  return folders
    .filter((folder) => includes.some((r) => r.test(folder)) && !excludes.some((r) => r.test(folder)))
    .map((folder) => {
      const segments = folder.split('/');
      const basename = segments[segments.length - 1]!;
      const parameters: Parameters = { path: folder, 'path.path': folder, 'path.basename': basename, 'path.basenameNormalized': normalize(basename) };
      segments.forEach((segment, i) => {
        parameters[`path[${i}]`] = segment;
        parameters[`path.segments[${i}]`] = segment;
      });
      return parameters;
    });
}

/** List elements, nested values flattened to dotted names (`values.port`). */
function flatParameters(element: Record<string, unknown>, prefix = ''): Parameters {
  const parameters: Parameters = {};
  for (const [key, value] of Object.entries(element)) {
    const name = `${prefix}${key}`;
    if (mapping(value)) Object.assign(parameters, flatParameters(mapping(value)!, `${name}.`));
    else if (value !== null && value !== undefined) parameters[name] = String(value);
  }
  return parameters;
}

/**
 * Fills a template string with one parameter set, in both ApplicationSet syntaxes: fasttemplate
 * (`{{path.basename}}`, `{{path[1]}}`, `{{name}}`) and Go templates (`{{ .path.basename }}`,
 * `{{ index .path.segments 1 }}`, `{{ .name | normalize }}`). What it cannot expand stays as written.
 */
export function fillTemplate(value: string, parameters: Parameters): string {
  return value.replace(/\{\{-?\s*([^{}]*?)\s*-?\}\}/g, (whole, expression: string) => {
    const [head, ...pipes] = expression.split('|').map((part) => part.trim());
    const index = /^index\s+\.([\w.]+)\s+(\d+)$/.exec(head!);
    const key = index ? `${index[1]}[${index[2]}]` : /^\.?([\w.[\]-]+)$/.exec(head!)?.[1];
    let filled = key === undefined ? undefined : parameters[key];
    for (const pipe of pipes) {
      if (filled === undefined) break;
      if (pipe === 'normalize') filled = normalize(filled);
      else if (pipe === 'lower') filled = filled.toLowerCase();
      else if (pipe === 'upper') filled = filled.toUpperCase();
      else filled = undefined;
    }
    return filled ?? whole;
  });
}

/** True when a string still holds a template expression. */
export function unexpanded(value: string | undefined): boolean {
  return value !== undefined && /\{\{[^{}]*\}\}/.test(value);
}

/** Argo CD's `normalize`: characters a DNS name may not hold become dashes. */
function normalize(value: string): string {
  return value.replace(/[^a-zA-Z0-9.-]/g, '-');
}

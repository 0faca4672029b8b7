import type { Location } from '../../core/types.ts';
import { list, locateIn, mapping, text, type KubeObject } from '../k8s-manifests/objects.ts';

/** An Argo CD Application, or one that an ApplicationSet generates. */
export interface ArgoApplication {
  object: KubeObject;
  name: string;
  namespace?: string;
  /** `spec.destination.name`, or the host of `spec.destination.server`. */
  destination?: string;
  sources: ArgoSource[];
  at: Location;
}

/** One `spec.source` (or entry of `spec.sources`) of an Application. */
export interface ArgoSource {
  path?: string;
  chart?: string;
  recurse: boolean;
  helm?: Record<string, unknown>;
  /** Where this source's `helm` block sits, for values that come from the Application itself. */
  helmPath: (string | number)[];
}

/** True for an Argo CD Application or ApplicationSet. */
export function isArgo(object: KubeObject): boolean {
  return object.apiVersion.startsWith('argoproj.io/') && (object.kind === 'Application' || object.kind === 'ApplicationSet');
}

/**
 * The Applications an Argo CD object stands for: itself, or for an ApplicationSet, one per set of
 * parameters its generators produce (git directories, list, clusters, and a matrix of two of them),
 * with `{{param}}` and `{{.param}}` filled into the template.
 */
export function argoApplications(object: KubeObject, folders: readonly string[], clusters: readonly string[]): ArgoApplication[] {
  if (object.kind === 'Application') return [application(object, object.body, ['spec'], (s) => s)];
  const spec = mapping(object.body.spec);
  const template = mapping(spec?.template);
  if (!spec || !template) return [];
  const parameterSets = list(spec.generators).flatMap((generator) => generate(generator, folders, clusters));
  return parameterSets.map((parameters) =>
    application(object, template, ['spec', 'template', 'spec'], (value) =>
      value.replace(/\{\{\s*\.?([\w.\[\]]+)\s*\}\}/g, (whole, key: string) => parameters[key] ?? whole),
    ),
  );
}

function application(
  object: KubeObject,
  body: Record<string, unknown>,
  specPath: (string | number)[],
  fill: (value: string) => string,
): ArgoApplication {
  const spec = mapping(body.spec) ?? {};
  const metadata = mapping(body.metadata);
  const destination = mapping(spec.destination);
  const server = text(destination?.server);
  const destinationName = text(destination?.name) ?? (server !== undefined ? hostOf(fill(server)) : undefined);
  const entries: [unknown, (string | number)[]][] = spec.sources
    ? list(spec.sources).map((s, i) => [s, [...specPath, 'sources', i]])
    : [[spec.source, [...specPath, 'source']]];
  const sources = entries.flatMap(([entry, path]): ArgoSource[] => {
    const source = mapping(entry);
    if (!source) return [];
    const helm = mapping(source.helm);
    const directory = mapping(source.directory);
    return [
      {
        ...(text(source.path) !== undefined ? { path: fill(text(source.path)!) } : {}),
        ...(text(source.chart) !== undefined ? { chart: fill(text(source.chart)!) } : {}),
        recurse: directory?.recurse === true,
        ...(helm ? { helm } : {}),
        helmPath: [...path, 'helm'],
      },
    ];
  });
  const name = fill(text(metadata?.name) ?? object.name);
  const namespace = text(destination?.namespace);
  return {
    object,
    name,
    ...(namespace !== undefined ? { namespace: fill(namespace) } : {}),
    ...(destinationName !== undefined ? { destination: fill(destinationName) } : {}),
    sources,
    at: locateIn(object, []),
  };
}

function generate(value: unknown, folders: readonly string[], clusters: readonly string[]): Record<string, string>[] {
  const generator = mapping(value);
  if (!generator) return [];
  const git = mapping(generator.git);
  if (git) return gitDirectories(git, folders);
  const fixed = mapping(generator.list);
  if (fixed) {
    return list(fixed.elements).flatMap((element) => {
      const entries = mapping(element);
      return entries ? [Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, String(v)]))] : [];
    });
  }
  if (generator.clusters !== undefined) return clusters.map((name) => ({ name, server: `https://${name}` }));
  const matrix = mapping(generator.matrix);
  if (matrix) {
    const [first, second] = list(matrix.generators).map((g) => generate(g, folders, clusters));
    if (!first || !second) return first ?? [];
    return first.flatMap((a) => second.map((b) => ({ ...a, ...b })));
  }
  return [];
}

/** The git directory generator: one parameter set per folder matching an include, and no exclude. */
function gitDirectories(git: Record<string, unknown>, folders: readonly string[]): Record<string, string>[] {
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
      const parameters: Record<string, string> = {
        path: folder,
        'path.path': folder,
        'path.basename': segments[segments.length - 1]!,
        'path.basenameNormalized': segments[segments.length - 1]!.replace(/[^a-zA-Z0-9-]/g, '-'),
      };
      segments.forEach((segment, i) => {
        parameters[`path[${i}]`] = segment;
        parameters[`path.segments[${i}]`] = segment;
      });
      return parameters;
    });
}

/** A glob (`*` within a segment, `**` across them, `?` one character) as a regular expression. */
export function globPattern(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let pattern = '';
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    if (c === '*' && clean[i + 1] === '*') {
      pattern += '.*';
      i++;
      if (clean[i + 1] === '/') i++;
    } else if (c === '*') pattern += '[^/]*';
    else if (c === '?') pattern += '[^/]';
    else pattern += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname.split('.')[0]!;
  } catch {
    return server;
  }
}

import { parseAllDocuments } from 'yaml';
import { InputError } from '../core/errors.ts';
import { editYaml, type YamlEdit } from '../yaml/yaml-edit.ts';
import type { YamlPath } from '../yaml/yaml-source.ts';
import { lineEndOf, toLf, withLineEnd } from '../core/line-ends.ts';

/** One port to set in a manifest: found by its name, or by the number it has now. */
export interface NodePortChange {
  name?: string;
  from?: number;
  to: number;
}

/** What to change in a manifest file. */
export interface NodePortTarget {
  /** The names the Service or HelmRelease may have (the Kubernetes name first). */
  names: readonly string[];
  ports: readonly NodePortChange[];
  /** For a HelmRelease: where under `spec.values` the node port is (`service.nodePort`), or where to look. */
  valuesPath?: string;
}

/** A manifest after the change, and what changed where. */
export interface ManifestEdit {
  text: string;
  /** One line per port set: `Service agent-x spec.ports[0].nodePort: 30214`. */
  changes: string[];
  /** Things the person should know (a ClusterIP Service given a nodePort). */
  warnings: string[];
}

interface Candidate {
  document: number;
  kind: 'Service' | 'HelmRelease';
  name: string;
  value: Record<string, any>;
}

/**
 * Sets node ports in a Kubernetes manifest file: in the Service with the service's name, the
 * `nodePort` of the matching `spec.ports[]` item; in a Flux HelmRelease of that name, the
 * `nodePort` key under `spec.values` at the given or found path. Every other byte of the file,
 * other documents included, stays as it was.
 */
export function setNodePorts(file: string, text: string, target: NodePortTarget): ManifestEdit {
  // Edited with `\n` lines; a file with Windows or classic Mac line ends keeps its own.
  const eol = lineEndOf(text);
  if (eol !== '\n') {
    const edit = setNodePorts(file, toLf(text), target);
    return { ...edit, text: withLineEnd(edit.text, eol) };
  }
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) throw new InputError(`${file} is not YAML`, { file, line: 1, column: 1 });
  const found: string[] = [];
  const candidates: Candidate[] = [];
  docs.forEach((doc, document) => {
    const error = doc.errors[0];
    if (error) throw new InputError(`${file}: ${error.message.split('\n')[0]}`, { file, line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1 });
    const value = doc.toJS() as Record<string, any> | null;
    const kind = value?.kind;
    const name = value?.metadata?.name;
    if ((kind !== 'Service' && kind !== 'HelmRelease') || typeof name !== 'string') return;
    if (kind === 'HelmRelease' && !String(value!.apiVersion ?? '').startsWith('helm.toolkit.fluxcd.io/')) return;
    found.push(`${kind} ${name}`);
    const names = kind === 'HelmRelease' ? [name, value!.spec?.releaseName] : [name];
    if (names.some((n) => target.names.includes(n))) candidates.push({ document, kind, name, value: value! });
  });
  if (candidates.length === 0) {
    throw new InputError(
      `${file} has no Service or Flux HelmRelease named ${target.names.join(' or ')}`,
      { file, line: 1, column: 1 },
      found.length ? `it has ${found.join(', ')}; set kubernetesName in the registry entry if the names differ` : 'give the file that defines the Service or HelmRelease',
    );
  }
  let edited = text;
  const changes: string[] = [];
  const warnings: string[] = [];
  for (const candidate of candidates) {
    const edits = candidate.kind === 'Service' ? serviceEdits(file, candidate, target, warnings) : helmReleaseEdits(file, candidate, target);
    edited = editYaml(edited, edits, candidate.document);
    for (const edit of edits) if (edit.op === 'set') changes.push(`${candidate.kind} ${candidate.name} ${formatPath(edit.path)}: ${String(edit.value)}`);
  }
  return { text: edited, changes, warnings };
}

function serviceEdits(file: string, service: Candidate, target: NodePortTarget, warnings: string[]): YamlEdit[] {
  const ports: Record<string, any>[] = Array.isArray(service.value.spec?.ports) ? service.value.spec.ports : [];
  const type = service.value.spec?.type ?? 'ClusterIP';
  if (type !== 'NodePort' && type !== 'LoadBalancer') {
    warnings.push(`${file}: Service ${service.name} is of type ${type}, where Kubernetes rejects a nodePort; set spec.type to NodePort or LoadBalancer`);
  }
  return target.ports.map((change) => {
    let index = change.name !== undefined ? ports.findIndex((p) => p.name === change.name) : -1;
    if (index < 0 && change.from !== undefined) index = ports.findIndex((p) => p.nodePort === change.from);
    if (index < 0 && target.ports.length === 1 && ports.length === 1) index = 0;
    if (index < 0) {
      const listed = ports.map((p) => p.name ?? String(p.port)).join(', ') || 'none';
      throw new InputError(
        `Service ${service.name} in ${file} has no port ${change.name !== undefined ? `named ${change.name}` : change.from !== undefined ? `with nodePort ${change.from}` : 'to match'}`,
        { file, line: 1, column: 1 },
        `its ports: ${listed}; name the port in the Service as in the registry`,
      );
    }
    const path: YamlPath = ['spec', 'ports', index, 'nodePort'];
    return { op: 'set', path, value: change.to, after: 'port' } satisfies YamlEdit;
  });
}

function helmReleaseEdits(file: string, release: Candidate, target: NodePortTarget): YamlEdit[] {
  const values = release.value.spec?.values ?? {};
  const prefix = target.valuesPath ? target.valuesPath.split('.').filter(Boolean) : [];
  const paths = nodePortPaths(values, []).filter((path) => prefix.every((segment, i) => String(path[i]) === segment));
  return target.ports.map((change) => {
    let matches = paths;
    if (change.name !== undefined) matches = matches.filter((path) => path.slice(prefix.length).includes(change.name!));
    if (matches.length > 1 && change.from !== undefined) matches = matches.filter((path) => valueAt(values, path) === change.from);
    if (matches.length === 0 && prefix.length > 0 && target.ports.length === 1) matches = [prefix];
    if (matches.length !== 1) {
      const listed = paths.map((path) => path.join('.')).join(', ') || 'none';
      throw new InputError(
        `HelmRelease ${release.name} in ${file}: ${matches.length === 0 ? 'found no' : 'found several'} node port keys under spec.values${change.name ? ` for ${change.name}` : ''}`,
        { file, line: 1, column: 1 },
        `keys found: ${listed}; say which with --values-path (such as service.nodePort)`,
      );
    }
    return { op: 'set', path: ['spec', 'values', ...matches[0]!], value: change.to } satisfies YamlEdit;
  });
}

/** The paths of node port keys in Helm values: `nodePort` at any depth, and the entries of a `nodePorts` mapping. */
function nodePortPaths(value: unknown, path: string[]): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const found: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key === 'nodePort' && (typeof child === 'number' || child === null || typeof child === 'string')) found.push([...path, key]);
    else if (key === 'nodePorts' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      for (const [name, port] of Object.entries(child)) if (typeof port !== 'object' || port === null) found.push([...path, key, name]);
      found.push(...nodePortPaths(child, [...path, key]));
    } else found.push(...nodePortPaths(child, [...path, key]));
  }
  return found;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  for (const segment of path) value = (value as Record<string, unknown> | undefined)?.[segment];
  return value;
}

function formatPath(path: YamlPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i ? '.' : ''}${segment}`)).join('');
}

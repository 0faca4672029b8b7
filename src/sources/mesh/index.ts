import type { Location, ObjectRef, ObservedAddress, ObservedLink } from '../../core/types.ts';
import type { YamlPath, YamlSource } from '../../yaml/yaml-source.ts';
import { locateIn, mapping, text, type KubeObject } from '../k8s-manifests/objects.ts';

/** The label that exports a Service to the clusters linked to its own (Linkerd multicluster). */
export const EXPORT_LABEL = 'mirror.linkerd.io/exported';

/** Linkerd's `Link` (multicluster.linkerd.io): in the source cluster, naming the target it mirrors. */
export function isLink(object: KubeObject): boolean {
  return object.kind === 'Link' && object.apiVersion.startsWith('multicluster.linkerd.io/');
}

/** The target of a Link: `spec.targetClusterName`, else the Link's own name (`linkerd multicluster link --cluster-name` gives both). */
export function linkOf(object: KubeObject): Omit<ObservedLink, 'cluster'> | undefined {
  const spec = mapping(object.body.spec) ?? {};
  const target = text(spec.targetClusterName) ?? object.name;
  if (!target) return undefined;
  // Linkerd writes both ports as strings ("4143"); a number is read the same.
  const portAt = (path: string[]) => {
    let value: unknown = spec;
    for (const key of path) value = mapping(value)?.[key];
    const port = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value) : undefined;
    return port !== undefined && port >= 1 && port <= 65535 ? { port, at: locateIn(object, ['spec', ...path]) } : undefined;
  };
  const gatewayPort = portAt(['gatewayPort']);
  const probePort = portAt(['probeSpec', 'port']);
  return {
    target,
    at: locateIn(object, spec.targetClusterName !== undefined ? ['spec', 'targetClusterName'] : ['metadata', 'name']),
    ...(gatewayPort ? { gatewayPort } : {}),
    ...(probePort ? { probePort } : {}),
  };
}

/** The export label of a Service, and where it is written. */
export function meshExportOf(object: KubeObject): { value: string; at: Location } | undefined {
  const labels = mapping(mapping(object.body.metadata)?.labels);
  const value = labels?.[EXPORT_LABEL];
  if (typeof value !== 'string' && typeof value !== 'boolean') return undefined;
  return { value: String(value), at: locateIn(object, ['metadata', 'labels', EXPORT_LABEL]) };
}

// `http(s)://HOST[:PORT]` anywhere, or a bare `HOST:PORT` standing as a word of its own.
const URL_ADDRESS = /\bhttps?:\/\/([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?::(\d{1,5}))?/gi;
const BARE_ADDRESS = /(?<![\w.\-/@:])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*):(\d{1,5})(?![\w.:])/gi;

/**
 * The addresses an object's strings hold whose host `wanted` accepts: container env values, a
 * ConfigMap's data (files included), HelmRelease values, any string under the object but its
 * metadata and status. Each points at its own line and column where the text shows it.
 */
export function objectAddresses(object: KubeObject, wanted: (host: string) => boolean): Omit<ObservedAddress, 'cluster'>[] {
  const ref = { kind: object.kind, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name };
  return addressesUnder(object.body, ref, wanted, object.source, (path) => locateIn(object, path), (key, path) => path.length > 0 || (key !== 'metadata' && key !== 'status'));
}

/** The addresses in a Helm values file that `release` uses, each at its place in that file. */
export function valuesAddresses(values: unknown, source: YamlSource, release: ObjectRef, wanted: (host: string) => boolean): Omit<ObservedAddress, 'cluster'>[] {
  return addressesUnder(values, release, wanted, source, (path) => source.locate(path), () => true);
}

/** Every address under `value` whose host `wanted` accepts, as used by `ref`. */
function addressesUnder(
  value: unknown,
  ref: ObjectRef,
  wanted: (host: string) => boolean,
  source: YamlSource,
  locate: (path: YamlPath) => Location,
  enter: (key: string, path: readonly (string | number)[]) => boolean,
): Omit<ObservedAddress, 'cluster'>[] {
  const found: Omit<ObservedAddress, 'cluster'>[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string') {
      for (const { text: written, host, port, index } of addressesIn(value)) {
        if (!wanted(host)) continue;
        found.push({ text: written, host, ...(port !== undefined ? { port } : {}), object: ref, at: placeOf(source, locate(path), value, index, written) });
      }
    } else if (Array.isArray(value)) value.forEach((entry, i) => visit(entry, [...path, i]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, entry] of Object.entries(value)) if (enter(key, path)) visit(entry, [...path, key]);
    }
  };
  visit(value, []);
  return found;
}

/** The addresses in one string: URLs with their port (80 or 443 by the scheme when none is written), and bare HOST:PORT. */
export function addressesIn(value: string): { text: string; host: string; port?: number; index: number }[] {
  const found: { text: string; host: string; port?: number; index: number }[] = [];
  for (const match of value.matchAll(URL_ADDRESS)) {
    const port = match[2] !== undefined ? Number(match[2]) : /^https/i.test(match[0]) ? 443 : 80;
    found.push({ text: match[0], host: match[1]!, port, index: match.index });
  }
  for (const match of value.matchAll(BARE_ADDRESS)) {
    if (!match[1]!.includes('.') && !match[1]!.includes('-')) continue; // `localhost:8080`, `web:80`: no other cluster
    found.push({ text: match[0], host: match[1]!, port: Number(match[2]), index: match.index });
  }
  return found;
}

/** Bytes that tell a file may hold mesh facts: a Link, the export label, or one of the hosts' markers. */
export function mayHoldMesh(bytes: Buffer | { includes(marker: Buffer): boolean }, markers: readonly Buffer[]): boolean {
  return markers.some((marker) => bytes.includes(marker));
}

/** The byte markers of mesh facts for a registry's clusters: `-forge`, the pattern's fixed text. */
export function meshMarkers(clusters: readonly string[], patterns: readonly string[]): Buffer[] {
  const fixed = patterns.flatMap((pattern) => pattern.split(/\{[a-z]+\}/).filter((part) => part.replace(/\./g, '').length >= 3));
  return [...new Set(['multicluster.linkerd.io', EXPORT_LABEL, ...clusters.map((c) => `-${c}`), ...fixed])].map((marker) => Buffer.from(marker));
}

/** Where the address sits: on its own line inside a block scalar, or after the value's start (`start`) on one line. */
function placeOf(source: YamlSource, start: Location, value: string, index: number, written: string): Location {
  const lines = source.text.split('\n');
  let offset = 0;
  for (let i = 0; i < start.line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  offset += start.column - 1;
  const before = value.slice(0, index).split('\n').length - 1;
  // The text of the value from its start: the address is the first occurrence after the lines before it.
  let at = offset;
  for (let i = 0; i < before && at !== -1; i++) at = source.text.indexOf('\n', at + 1);
  const found = at === -1 ? -1 : source.text.indexOf(written, at);
  return found === -1 ? start : source.locationOf(found);
}

import type { Location, ObjectRef, PortClaim, SkippedValue } from '../../core/types.ts';
import type { YamlPath, YamlSource } from '../../yaml/yaml-source.ts';
import { numeric } from '../k8s-manifests/index.ts';
import { knownChart } from './known-charts.ts';

/** One layer of Helm values (chart defaults, a values file, inline values), with where its keys are. */
export interface ValuesLayer {
  values: unknown;
  locate(path: YamlPath): Location;
  /** The values file the layer was read from; a layer written inside a manifest has none (the manifest's own scan sees it). */
  source?: YamlSource;
}

/** A values file as a layer. */
export function fileLayer(source: YamlSource): ValuesLayer {
  return { values: source.value, locate: (path) => source.locate(path), source };
}

/** A Helm release as found in the repository: a Flux HelmRelease or an Argo CD Application. */
export interface HelmRelease {
  object: ObjectRef;
  /** The release name the chart's objects are named after. */
  releaseName: string;
  /** The chart's name (`ingress-nginx`), as its repository publishes it. */
  chart?: string;
  /** The chart's folder in the repository, when the chart is kept there. */
  chartPath?: string;
  /** Where the release is written. */
  at?: Location;
  /** Values from lowest to highest priority (the chart's values.yaml is added by the repo source). */
  layers: ValuesLayer[];
  /** Flux `spec.valuesFrom` ConfigMaps (by name and key), merged under `layers` once found. */
  valuesFrom?: { name: string; key: string }[];
}

interface Leaf {
  value: unknown;
  at: Location;
}

const NODE_PORT_KEY = /nodeports?/i;
const SEPARATOR = '\u0000';
const MERGE_KEY = '<<';

/**
 * The node ports a release's merged values set: numbers under any key that names a node port
 * (`nodePort`, `nodePortHttp`, `nodePorts: { backend: 30080 }`), at any depth. Later layers win,
 * and a `null` removes what an earlier layer set, as in Helm. Node ports in a block whose `type`
 * is ClusterIP are ignored, as charts ignore them. For a well-known chart, the ports its values
 * switch on are added at the chart's defaults, and the host ports it binds.
 */
export function releaseClaims(release: HelmRelease, skipped: SkippedValue[]): PortClaim[] {
  const merged = mergedValues(release);
  const claims: PortClaim[] = [];
  const claimed = new Set<string>();
  for (const [key, leaf] of merged) {
    const path = key.split(SEPARATOR);
    if (!path.some((segment) => NODE_PORT_KEY.test(segment))) continue;
    if (inClusterIpBlock(path, merged)) continue;
    if (typeof leaf.value === 'boolean' || leaf.value === '') continue;
    const port = numeric(leaf.value);
    if (port === undefined) {
      if (typeof leaf.value === 'string') skipped.push({ reason: 'placeholder', text: leaf.value, at: leaf.at });
      continue;
    }
    if (port < 1 || port > 65535) continue;
    claimed.add(key);
    claims.push(releaseClaim(release, 'nodePort', port, path.join('.'), leaf.at));
  }
  for (const known of knownChart(release.chart)?.ports ?? []) {
    const key = known.path.split('.').join(SEPARATOR);
    if (claimed.has(key)) continue;
    if (!known.when.every((w) => (merged.get(w.path.split('.').join(SEPARATOR))?.value ?? w.default) === w.equals)) continue;
    const set = merged.get(key);
    const port = set ? numeric(set.value) : known.default;
    if (port === undefined || port < 1 || port > 65535) continue;
    const switchAt = known.when.map((w) => merged.get(w.path.split('.').join(SEPARATOR))?.at).find((at) => at !== undefined);
    const at = set?.at ?? switchAt ?? release.at ?? release.layers[release.layers.length - 1]?.locate([]);
    if (at === undefined) continue;
    claims.push(releaseClaim(release, known.kind, port, known.path, at));
  }
  return claims;
}

function releaseClaim(release: HelmRelease, kind: 'nodePort' | 'hostPort', port: number, portName: string, at: Location): PortClaim {
  return {
    cluster: '',
    port,
    protocol: 'TCP',
    kind,
    service: release.releaseName,
    portName,
    status: 'active',
    source: 'helm-values',
    object: release.object,
    ...(kind === 'hostPort' ? { containerPort: port } : {}),
    at,
  };
}

/** Helm `--set` style parameters (`name: a.b.c`, `value`) as a values layer, each leaf at its own entry. */
export function parameterLayer(entries: readonly unknown[], locate: (index: number) => Location, fallback: Location): ValuesLayer {
  const values: Record<string, unknown> = {};
  const places = new Map<string, Location>();
  entries.forEach((entry, i) => {
    const parameter = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>) : undefined;
    const name = typeof parameter?.name === 'string' ? parameter.name : undefined;
    if (name === undefined) return;
    let node = values;
    const keys = name.split('.');
    for (const key of keys.slice(0, -1)) {
      const child = node[key];
      node = (child !== null && typeof child === 'object' ? child : (node[key] = {})) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = parameter?.value;
    places.set(keys.join('.'), locate(i));
  });
  return { values, locate: (p) => places.get(p.join('.')) ?? fallback };
}

function mergedValues(release: HelmRelease): Map<string, Leaf> {
  const merged = new Map<string, Leaf>();
  for (const layer of release.layers) {
    const leaves = new Map<string, Leaf>();
    flatten(layer.values, [], layer, leaves);
    for (const [key, leaf] of leaves) {
      for (const existing of merged.keys()) {
        if (existing.startsWith(key + SEPARATOR) || key.startsWith(existing + SEPARATOR)) merged.delete(existing);
      }
      if (leaf.value !== null) merged.set(key, leaf);
    }
  }
  return merged;
}

/**
 * Leaves of a values tree by path. A YAML merge key (`<<: *defaults`) adds the merged mapping's
 * keys where it stands, under the keys written beside it, as Helm's YAML reader does; its leaves
 * are located at the `<<` line.
 */
function flatten(value: unknown, path: string[], layer: ValuesLayer, leaves: Map<string, Leaf>, mergedAt?: Location): void {
  if (value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0)) {
    const entries = Object.entries(value);
    if (!Array.isArray(value) && MERGE_KEY in value) {
      const at = mergedAt ?? layer.locate(yamlPathOf([...path, MERGE_KEY], layer));
      const merged = (value as Record<string, unknown>)[MERGE_KEY];
      for (const source of Array.isArray(merged) ? merged : [merged]) flatten(source, path, layer, leaves, at);
    }
    for (const [key, child] of entries) if (key !== MERGE_KEY || Array.isArray(value)) flatten(child, [...path, key], layer, leaves, mergedAt);
    return;
  }
  if (path.length === 0) return;
  leaves.set(path.join(SEPARATOR), { value, at: mergedAt ?? layer.locate(yamlPathOf(path, layer)) });
}

function yamlPathOf(path: string[], layer: ValuesLayer): YamlPath {
  return path.map((segment, i) => (i > 0 && /^\d+$/.test(segment) && Array.isArray(valueAt(layer.values, path.slice(0, i))) ? Number(segment) : segment));
}

function valueAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function inClusterIpBlock(path: string[], merged: Map<string, Leaf>): boolean {
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const type = merged.get([...path.slice(0, depth), 'type'].join(SEPARATOR));
    if (type && type.value === 'ClusterIP') return true;
  }
  return false;
}

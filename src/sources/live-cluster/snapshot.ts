import { InputError } from '../../core/errors.ts';
import type { ClusterRead } from '../../core/types.ts';
import { YamlSource } from '../../yaml/yaml-source.ts';
import { POD_SPEC_PATHS, readManifest, type KubeObject } from '../k8s-manifests/index.ts';
import { mapping, text } from '../k8s-manifests/objects.ts';

/** An object as a live cluster returns it, trimmed to what holds ports: plain JSON. */
export type LiveObject = Record<string, unknown>;

/** What a snapshot file says about where it was read, beside its objects. */
export interface SnapshotHeader {
  cluster: string;
  context: string;
  server: string;
  /** When it was read, as an RFC 3339 time. */
  readAt: string;
  counts: Record<string, number>;
}

/** A snapshot file read back: its objects with their places in the file, and its header when Portolan wrote it. */
export interface Snapshot {
  file: string;
  /** Absent in plain `kubectl get ... -o json` output, which does not say which cluster it came from. */
  header?: SnapshotHeader;
  objects: KubeObject[];
}

/** Annotations kept: the Helm release that manages an object. */
const KEPT_ANNOTATIONS = ['meta.helm.sh/release-name', 'meta.helm.sh/release-namespace'];

/**
 * Trims a live object to what holds ports: a Service's type, ports, `allocateLoadBalancerNodePorts`
 * and which field managers wrote its node ports; a Pod's or workload's containers that have a
 * `hostPort`. Everything else (environment values, images, status) is left out, so a snapshot
 * holds no secrets. Workloads without a host port are dropped (undefined).
 */
export function trimObject(object: LiveObject): LiveObject | undefined {
  const metadata = mapping(toPlain(object.metadata)) ?? {};
  const kept: Record<string, unknown> = { name: metadata.name };
  if (metadata.namespace !== undefined) kept.namespace = metadata.namespace;
  const annotations = Object.entries(mapping(metadata.annotations) ?? {}).filter(([key]) => KEPT_ANNOTATIONS.includes(key));
  if (annotations.length > 0) kept.annotations = Object.fromEntries(annotations);
  const base = { apiVersion: object.apiVersion, kind: object.kind, metadata: kept };
  const kind = text(object.kind);
  if (kind === 'Service') {
    const managed = (Array.isArray(metadata.managedFields) ? metadata.managedFields : []).flatMap((entry) => {
      const field = mapping(entry);
      // Only which ports a manager wrote matters: `f:spec` > `f:ports` > `k:{"port":80,"protocol":"TCP"}` > `f:nodePort`.
      const ports = mapping(mapping(mapping(field?.fieldsV1)?.['f:spec'])?.['f:ports']);
      return field ? [{ manager: field.manager, operation: field.operation, fieldsV1: ports ? { 'f:spec': { 'f:ports': ports } } : {} }] : [];
    });
    if (managed.length > 0) kept.managedFields = managed;
    const spec = mapping(toPlain(object.spec)) ?? {};
    const ports = (Array.isArray(spec.ports) ? spec.ports : []).map((entry) => {
      const port = mapping(entry) ?? {};
      return Object.fromEntries(['name', 'protocol', 'port', 'targetPort', 'nodePort'].filter((key) => port[key] !== undefined).map((key) => [key, port[key]]));
    });
    return {
      ...base,
      spec: {
        type: spec.type ?? 'ClusterIP',
        ports,
        ...(spec.allocateLoadBalancerNodePorts !== undefined ? { allocateLoadBalancerNodePorts: spec.allocateLoadBalancerNodePorts } : {}),
      },
    };
  }
  const path = kind === undefined ? undefined : POD_SPEC_PATHS[kind];
  if (!path) return undefined;
  let podSpec: unknown = toPlain(object);
  for (const key of path) podSpec = mapping(podSpec)?.[key];
  const containers: Record<string, unknown> = {};
  for (const group of ['initContainers', 'containers']) {
    const entries = Array.isArray(mapping(podSpec)?.[group]) ? (mapping(podSpec)![group] as unknown[]) : [];
    const withHostPorts = entries.flatMap((entry) => {
      const container = mapping(entry) ?? {};
      const ports = (Array.isArray(container.ports) ? container.ports : []).filter((port) => typeof mapping(port)?.hostPort === 'number');
      return ports.length > 0 ? [{ name: container.name, ports }] : [];
    });
    if (withHostPorts.length > 0) containers[group] = withHostPorts;
  }
  if (Object.keys(containers).length === 0) return undefined;
  const owners = (Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : []).map((entry) => {
    const owner = mapping(entry) ?? {};
    return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, ...(owner.controller === true ? { controller: true } : {}) };
  });
  if (owners.length > 0) kept.ownerReferences = owners;
  const hash = mapping(metadata.labels)?.['pod-template-hash'];
  if (typeof hash === 'string') kept.labels = { 'pod-template-hash': hash };
  let spec: Record<string, unknown> = containers;
  for (const key of [...path].reverse()) spec = { [key]: spec };
  return { ...base, ...spec };
}

/** The snapshot file `portolan snapshot` writes: a v1 List, as kubectl prints one, with a header naming the cluster. */
export function snapshotText(read: ClusterRead, objects: readonly LiveObject[], readAt: Date): string {
  const header: SnapshotHeader = { cluster: read.cluster, context: read.context, server: read.server, readAt: readAt.toISOString(), counts: read.counts };
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, portolan: header, items: objects }, null, 2)}\n`;
}

/**
 * Reads a snapshot: a List from `portolan snapshot`, or from `kubectl get svc,pods -A -o json`
 * (or `-o yaml`). Anything else is an InputError naming the file and what would be right.
 */
export function readSnapshot(file: string, content: string): Snapshot {
  const top = mapping(YamlSource.parse(file, content).value);
  const kind = text(top?.kind);
  if (!top || kind === undefined || !kind.endsWith('List') || !Array.isArray(top.items)) {
    throw new InputError(
      `${file}: not a snapshot (found ${kind === undefined ? 'no kind' : `kind ${kind}`}, expected a List with items)`,
      { file, line: 1, column: 1 },
      'write one with `portolan snapshot --cluster C > live.json`, or `kubectl get svc,pods -A -o json > live.json`',
    );
  }
  const header = mapping(top.portolan);
  const cluster = text(header?.cluster);
  return {
    file,
    ...(header && cluster !== undefined
      ? {
          header: {
            cluster,
            context: text(header.context) ?? cluster,
            server: text(header.server) ?? '',
            readAt: text(header.readAt) ?? '',
            counts: (mapping(header.counts) ?? {}) as Record<string, number>,
          },
        }
      : {}),
    objects: readManifest(file, content).objects,
  };
}

/** The client's model objects (dates, class instances) as plain JSON. */
function toPlain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

import type { Location, ObservedService, ObservedServicePort } from '../../core/types.ts';
import type { HelmRelease } from '../helm-release/index.ts';
import type { YamlSource, YamlPath } from '../../yaml/yaml-source.ts';
import { list, mapping, text } from '../k8s-manifests/objects.ts';

/** Which objects a kustomize patch applies to. */
export interface PatchTarget {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** A kustomize patch over Services: a strategic merge patch or JSON 6902 operations. */
export interface ServicePatch {
  target: PatchTarget;
  /** The parsed patch: a partial object (strategic merge) or a list of operations (JSON 6902). */
  body: unknown;
  locate(path: YamlPath): Location;
}

/** Reads a parsed patch (a file's, or an inline `patch: |`); `place` maps an inline patch's positions into its file. */
export function patchOf(source: YamlSource, target: PatchTarget | undefined, place: (at: Location) => Location = (at) => at): ServicePatch | undefined {
  const body = source.value;
  const locate = (path: YamlPath) => place(source.locate(path));
  if (Array.isArray(body)) return target ? { target, body, locate } : undefined;
  const object = mapping(body);
  if (!object) return undefined;
  const metadata = mapping(object.metadata);
  const own: PatchTarget = {};
  const kind = text(object.kind);
  const name = text(metadata?.name);
  const namespace = text(metadata?.namespace);
  if (kind !== undefined) own.kind = kind;
  if (name !== undefined) own.name = name;
  if (namespace !== undefined) own.namespace = namespace;
  return { target: target ?? own, body, locate };
}

/** Reads a kustomization or Flux `target:` block. */
export function targetOf(value: unknown): PatchTarget | undefined {
  const target = mapping(value);
  if (!target) return undefined;
  const result: PatchTarget = {};
  if (text(target.kind) !== undefined) result.kind = text(target.kind)!;
  if (text(target.name) !== undefined) result.name = text(target.name)!;
  if (text(target.namespace) !== undefined) result.namespace = text(target.namespace)!;
  return result;
}

/**
 * Applies a patch to the Services it targets, as kustomize would for their ports and type: a
 * strategic merge patch merges `spec.ports` by `port` (its merge key), JSON 6902 operations on
 * `/spec/ports/N/nodePort`, `/spec/ports/-` and `/spec/type` are followed. The patched nodePort
 * is located in the patch, where it was written.
 */
export function applyPatch(patch: ServicePatch, services: ObservedService[]): void {
  for (const service of services) {
    if (!matches(patch.target, service)) continue;
    if (Array.isArray(patch.body)) applyOperations(patch, service);
    else applyMerge(patch, service);
  }
}

/**
 * Applies a strategic merge patch to the Flux HelmReleases it targets: its `spec.values` become
 * the release's highest values layer, located in the patch (the way an overlay sets one
 * cluster's values over a shared base).
 */
export function applyReleasePatch(patch: ServicePatch, releases: HelmRelease[]): void {
  if (Array.isArray(patch.body) || patch.target.kind !== 'HelmRelease' || patch.target.name === undefined) return;
  const values = mapping(mapping(mapping(patch.body)?.spec)?.values);
  if (!values) return;
  for (const release of releases) {
    if (release.object.kind !== 'HelmRelease' || !new RegExp(`^${patch.target.name}$`).test(release.object.name)) continue;
    if (patch.target.namespace !== undefined && release.object.namespace !== undefined && patch.target.namespace !== release.object.namespace) continue;
    release.layers = [...release.layers, { values, locate: (path) => patch.locate(['spec', 'values', ...path]) }];
  }
}

function matches(target: PatchTarget, service: ObservedService): boolean {
  if (target.kind !== undefined && target.kind !== 'Service') return false;
  if (target.name !== undefined && !new RegExp(`^${target.name}$`).test(service.object.name)) return false;
  if (target.namespace !== undefined && service.object.namespace !== undefined && target.namespace !== service.object.namespace) return false;
  return target.kind === 'Service' || target.name !== undefined;
}

function applyMerge(patch: ServicePatch, service: ObservedService): void {
  const spec = mapping(mapping(patch.body)?.spec);
  if (!spec) return;
  if (typeof spec.type === 'string') service.type = spec.type;
  list(spec.ports).forEach((entry, i) => {
    const patchPort = mapping(entry);
    if (!patchPort) return;
    const path = ['spec', 'ports', i];
    let port = service.ports.find((p) => (typeof patchPort.port === 'number' ? p.port === patchPort.port : p.name !== undefined && p.name === patchPort.name));
    if (!port) {
      port = { protocol: 'TCP', at: patch.locate(path), ...(typeof patchPort.port === 'number' ? { port: patchPort.port } : {}) };
      if (typeof patchPort.name === 'string') port.name = patchPort.name;
      service.ports.push(port);
    }
    setNodePort(port, patchPort.nodePort, patch.locate([...path, 'nodePort']));
  });
}

function applyOperations(patch: ServicePatch, service: ObservedService): void {
  (patch.body as unknown[]).forEach((entry, i) => {
    const operation = mapping(entry);
    const path = text(operation?.path);
    const op = text(operation?.op);
    if (!operation || !path || !op) return;
    const at = patch.locate([i, 'value']);
    if (path === '/spec/type' && op !== 'remove') {
      if (typeof operation.value === 'string') service.type = operation.value;
      return;
    }
    const portMatch = /^\/spec\/ports\/(\d+|-)(\/nodePort)?$/.exec(path);
    if (!portMatch) return;
    if (portMatch[2]) {
      const port = service.ports[Number(portMatch[1])];
      if (!port) return;
      if (op === 'remove') {
        delete port.nodePort;
        delete port.nodePortAt;
      } else setNodePort(port, operation.value, at);
      return;
    }
    const value = mapping(operation.value);
    if (!value || op === 'remove') return;
    const port: ObservedServicePort = { protocol: 'TCP', at, ...(typeof value.port === 'number' ? { port: value.port } : {}) };
    if (typeof value.name === 'string') port.name = value.name;
    setNodePort(port, value.nodePort, at);
    if (portMatch[1] === '-') service.ports.push(port);
    else service.ports[Number(portMatch[1])] = port;
  });
}

function setNodePort(port: ObservedServicePort, value: unknown, at: Location): void {
  if (typeof value === 'number' || typeof value === 'string') {
    port.nodePort = value;
    port.nodePortAt = at;
  }
}

import { posix } from 'node:path';
import type { ObjectRef } from '../../core/types.ts';
import type { HelmRelease } from '../helm-release/index.ts';
import { list, locateIn, mapping, text, type KubeObject, type ManifestFile } from '../k8s-manifests/objects.ts';
import { setNamespace, substituteVariables, type Found } from './found.ts';
import { inlinePatch } from './kustomize.ts';
import { targetOf } from './patches.ts';
import type { RepoReader } from './reader.ts';

/** True for a Flux Kustomization (not kustomize's own kustomization.yaml). */
export function isFluxKustomization(object: KubeObject): boolean {
  return object.kind === 'Kustomization' && object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');
}

/** True for a Flux HelmRelease. */
export function isFluxRelease(object: KubeObject): boolean {
  return object.kind === 'HelmRelease' && object.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

/** A Flux Kustomization's `spec.path` as a repository path (Flux builds the source's root without one). */
export function fluxPath(object: KubeObject): string {
  const path = text(mapping(object.body.spec)?.path) ?? '.';
  return posix.normalize(path.replace(/^\.?\//, '') || '.').replace(/\/$/, '') || '.';
}

/** What a Flux Kustomization deploys: its `spec.path`, with its patches, `targetNamespace` and post-build substitutions. */
export function fluxKustomization(reader: RepoReader, object: KubeObject, trail: readonly string[]): Found {
  const spec = mapping(object.body.spec) ?? {};
  const found = reader.collect(fluxPath(object), 'flux', trail);
  list(spec.patches).forEach((entry, i) => {
    const patch = mapping(entry);
    const inline = text(patch?.patch);
    if (inline !== undefined) inlinePatch(object.source, [...object.path, 'spec', 'patches', i, 'patch'], inline, targetOf(patch?.target), found);
  });
  const namespace = text(spec.targetNamespace);
  if (namespace !== undefined) setNamespace(found, namespace);
  const substitute = mapping(mapping(spec.postBuild)?.substitute);
  if (substitute) substituteVariables(found, new Map(Object.entries(substitute).map(([name, value]) => [name, String(value)])));
  return found;
}

/** A Flux HelmRelease as a release: its chart (a folder when it comes from a GitRepository), values and `valuesFrom`. */
export function fluxRelease(object: KubeObject): HelmRelease {
  const spec = mapping(object.body.spec) ?? {};
  const chartSpec = mapping(mapping(spec.chart)?.spec);
  const chart = text(chartSpec?.chart);
  const fromGit = text(mapping(chartSpec?.sourceRef)?.kind) === 'GitRepository';
  const chartPath = chart !== undefined && fromGit ? posix.normalize(chart.replace(/^\.\//, '')).replace(/\/$/, '') : undefined;
  return {
    object: refOf(object),
    releaseName: text(spec.releaseName) ?? object.name,
    ...(chart !== undefined ? { chart: posix.basename(chart) } : {}),
    ...(chartPath !== undefined ? { chartPath } : {}),
    layers: [{ values: spec.values, locate: (path) => locateIn(object, ['spec', 'values', ...path]) }],
    valuesFrom: list(spec.valuesFrom).flatMap((entry) => {
      const source = mapping(entry);
      const name = text(source?.name);
      return source && name !== undefined && (text(source.kind) ?? 'ConfigMap') === 'ConfigMap' ? [{ name, key: text(source.valuesKey) ?? 'values.yaml' }] : [];
    }),
    at: locateIn(object, []),
  };
}

/** A Flux cluster root: the folder a `flux-system/gotk-sync.yaml` syncs, found wherever it lies. */
export interface FluxRoot {
  /** The cluster's name: the root folder's own name. */
  cluster: string;
  folder: string;
  /** The gotk-sync.yaml that marks it. */
  file: string;
}

/**
 * Flux bootstrap writes `flux-system/gotk-sync.yaml` into the cluster's folder, holding the
 * Kustomization whose `spec.path` is that folder. Where spec.path names no folder of the
 * repository, the folder that holds flux-system is the root. The Flux Operator's `FluxInstance`
 * names the folder in `spec.sync.path`, wherever the FluxInstance itself is kept.
 */
export function fluxRoots(manifests: ReadonlyMap<string, ManifestFile>, folders: ReadonlySet<string>): FluxRoot[] {
  const roots: FluxRoot[] = [];
  const add = (folder: string, file: string) => {
    if (!roots.some((root) => root.folder === folder)) roots.push({ cluster: posix.basename(folder === '.' ? 'default' : folder), folder, file });
  };
  for (const [file, manifest] of manifests) {
    if (/(^|\/)flux-system\/gotk-sync\.ya?ml$/.test(file)) {
      const sync = manifest.objects.find(isFluxKustomization);
      const written = sync ? fluxPath(sync) : undefined;
      add(written !== undefined && written !== '.' && folders.has(written) ? written : posix.dirname(posix.dirname(file)), file);
    }
    for (const object of manifest.objects) {
      if (object.kind !== 'FluxInstance' || !object.apiVersion.startsWith('fluxcd.controlplane.io/')) continue;
      const path = text(mapping(mapping(object.body.spec)?.sync)?.path);
      const folder = path === undefined ? undefined : posix.normalize(path.replace(/^\.?\//, '') || '.').replace(/\/$/, '');
      if (folder !== undefined && folder !== '.' && folders.has(folder)) add(folder, file);
    }
  }
  return roots;
}

function refOf(object: KubeObject): ObjectRef {
  return { kind: object.kind, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name };
}

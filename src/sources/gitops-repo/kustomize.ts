import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { YamlSource, YamlPath } from '../../yaml/yaml-source.ts';
import { fileLayer, type ValuesLayer } from '../helm-release/index.ts';
import { list, mapping, text } from '../k8s-manifests/objects.ts';
import { parseEmbedded } from './embedded.ts';
import { merge, setNamespace, type Found } from './found.ts';
import { applyPatch, applyReleasePatch, patchOf, targetOf, type PatchTarget } from './patches.ts';
import type { RepoReader } from './reader.ts';

/**
 * What a kustomization deploys: its `resources`, `bases` and `components` (files and folders),
 * configMapGenerator files a HelmRelease may load, `helmCharts`, patches of every form, and
 * `namespace`, `namePrefix` and `nameSuffix` over the result. `root` is the repository's folder.
 */
export function collectKustomization(reader: RepoReader, root: string, folder: string, source: YamlSource, found: Found, trail: readonly string[]): void {
  const body = mapping(source.value) ?? {};
  for (const key of ['resources', 'bases', 'components']) {
    list(body[key]).forEach((entry, i) => {
      const resource = text(entry);
      if (resource === undefined || /:\/\/|^github\.com\/|\?ref=/.test(resource)) return;
      const target = posix.normalize(posix.join(folder, resource)).replace(/\/$/, '');
      if (target.startsWith('..')) return;
      if (!reader.fileSet.has(target) && !reader.folders.has(target) && !existsSync(join(root, target))) {
        reader.problem(`kustomization ${key} entry "${resource}" does not exist; kustomize build fails`, source.locate([key, i]));
      } else merge(found, reader.collect(target, 'flux', trail));
    });
  }
  // Values files a HelmRelease may load through `valuesFrom`: configMapGenerator `files` (`key=path` or `path`).
  for (const entry of list(body.configMapGenerator)) {
    const generator = mapping(entry);
    const name = text(generator?.name);
    if (name === undefined) continue;
    const keys = new Map<string, string>();
    for (const fileEntry of list(generator?.files)) {
      const written = text(fileEntry);
      if (written === undefined) continue;
      const [key, path] = written.includes('=') ? (written.split('=', 2) as [string, string]) : [posix.basename(written), written];
      keys.set(key, posix.normalize(posix.join(folder, path)));
    }
    found.generatedConfigMaps.set(name, keys);
  }
  // kustomize's own Helm support: `helmCharts` with inline values or a values file.
  list(body.helmCharts).forEach((entry, i) => {
    const chart = mapping(entry);
    const name = text(chart?.releaseName) ?? text(chart?.name);
    if (!chart || name === undefined) return;
    const layers: ValuesLayer[] = [];
    const valuesFile = text(chart.valuesFile);
    const values = valuesFile !== undefined ? reader.yamlFile(posix.normalize(posix.join(folder, valuesFile))) : undefined;
    if (values) layers.push(fileLayer(values));
    if (chart.valuesInline !== undefined) layers.push({ values: chart.valuesInline, locate: (p) => source.locate(['helmCharts', i, 'valuesInline', ...p]) });
    const namespace = text(chart.namespace);
    const chartName = text(chart.name);
    found.releases.push({
      object: { kind: 'HelmChart', ...(namespace !== undefined ? { namespace } : {}), name },
      releaseName: name,
      ...(chartName !== undefined ? { chart: chartName } : {}),
      layers,
      at: source.locate(['helmCharts', i]),
    });
  });
  const patchFile = (relative: string) => posix.normalize(posix.join(folder, relative));
  const patches = [
    ...list(body.patches).map((entry, i) => ({ entry: mapping(entry), path: ['patches', i] as YamlPath })),
    ...list(body.patchesJson6902).map((entry, i) => ({ entry: mapping(entry), path: ['patchesJson6902', i] as YamlPath })),
    ...list(body.patchesStrategicMerge).map((entry, i) => ({
      entry: typeof entry === 'string' ? ((entry.includes('\n') ? { patch: entry } : { path: entry }) as Record<string, unknown>) : undefined,
      path: ['patchesStrategicMerge', i] as YamlPath,
    })),
  ];
  for (const { entry, path } of patches) {
    if (!entry) continue;
    const target = targetOf(entry.target);
    const inline = text(entry.patch);
    const file = text(entry.path);
    if (inline !== undefined) inlinePatch(source, [...path, 'patch'], inline, target, found);
    else if (file !== undefined && reader.fileSet.has(patchFile(file))) {
      reader.reach(patchFile(file));
      for (const document of reader.yamlDocuments(patchFile(file)) ?? []) {
        const patch = patchOf(document, target);
        if (patch) applyPatch(patch, found.services);
        if (patch) applyReleasePatch(patch, found.releases);
      }
    }
  }
  const namespace = text(body.namespace);
  if (namespace !== undefined) setNamespace(found, namespace);
  const prefix = text(body.namePrefix) ?? '';
  const suffix = text(body.nameSuffix) ?? '';
  if (prefix || suffix) for (const service of found.services) service.object = { ...service.object, name: `${prefix}${service.object.name}${suffix}` };
}

/** Applies an inline patch (a string in `source` at `path`) to what was found. */
export function inlinePatch(source: YamlSource, path: YamlPath, content: string, target: PatchTarget | undefined, found: Found): void {
  const embedded = parseEmbedded(source, source.locate(path), content);
  const patch = embedded && patchOf(embedded.inner, target, embedded.place);
  if (patch) applyPatch(patch, found.services);
  if (patch) applyReleasePatch(patch, found.releases);
}

import { posix } from 'node:path';
import type { YamlPath } from '../../yaml/yaml-source.ts';
import { fileLayer, parameterLayer, type ValuesLayer } from '../helm-release/index.ts';
import { list, locateIn, text, type KubeObject } from '../k8s-manifests/objects.ts';
import type { ArgoApplication } from './argo.ts';
import { parseEmbedded } from './embedded.ts';
import { emptyFound, merge, setNamespace, type Found } from './found.ts';
import type { RepoReader } from './reader.ts';

/**
 * What an Argo CD Application deploys: each source's folder (recursively with
 * `directory.recurse`), and a Helm release for a chart source (a chart folder of the repository,
 * or a chart from a Helm repository) with `valueFiles`, `values`, `valuesObject` and `parameters`.
 */
export function argoFound(reader: RepoReader, application: ArgoApplication): Found {
  const found: Found = emptyFound();
  for (const source of application.sources) {
    const path = source.path === undefined ? undefined : posix.normalize(source.path.replace(/^\.\//, '')).replace(/\/$/, '') || '.';
    const isChart = path !== undefined && reader.isChart(path);
    if (path !== undefined && !isChart) merge(found, reader.collect(path, source.recurse ? 'argo-recurse' : 'argo', []));
    if (!isChart && source.chart === undefined) continue;
    const object = application.object;
    const helm = source.helm ?? {};
    const layers: ValuesLayer[] = [];
    for (const valuesFile of list(helm.valueFiles)) {
      const file = typeof valuesFile === 'string' && path !== undefined ? posix.normalize(posix.join(path, valuesFile)) : undefined;
      const values = file !== undefined ? reader.yamlFile(file) : undefined;
      if (values) layers.push(fileLayer(values));
    }
    const inline = text(helm.values);
    if (inline !== undefined) {
      const layer = embeddedValues(object, [...source.helmPath, 'values'], inline);
      if (layer) layers.push(layer);
    }
    if (helm.valuesObject !== undefined) {
      layers.push({ values: helm.valuesObject, locate: (p) => locateIn(object, [...source.helmPath, 'valuesObject', ...p]) });
    }
    const parameters = list(helm.parameters);
    if (parameters.length > 0) {
      layers.push(parameterLayer(parameters, (i) => locateIn(object, [...source.helmPath, 'parameters', i, 'value']), locateIn(object, [...source.helmPath, 'parameters'])));
    }
    const chart = source.chart ?? (isChart ? posix.basename(path!) : undefined);
    found.releases.push({
      object: { kind: 'Application', ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: application.name },
      releaseName: text(helm.releaseName) ?? application.name,
      ...(chart !== undefined ? { chart } : {}),
      ...(isChart ? { chartPath: path! } : {}),
      layers,
      at: application.at,
    });
  }
  if (application.namespace !== undefined) setNamespace(found, application.namespace, false);
  return found;
}

/** Helm values written as a YAML string inside the Application; positions point into the block. */
function embeddedValues(object: KubeObject, path: YamlPath, content: string): ValuesLayer | undefined {
  const embedded = parseEmbedded(object.source, locateIn(object, path), content);
  if (!embedded) return undefined;
  return { values: embedded.inner.value, locate: (p) => embedded.place(embedded.inner.locate(p)) };
}

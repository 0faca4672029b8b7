import { posix } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { Registry } from '../../core/types.ts';
import { fileLayer, parameterLayer, type HelmRelease, type ValuesLayer } from '../helm-release/index.ts';
import { list, mapping, readDocuments, text } from '../k8s-manifests/objects.ts';
import type { RepoReader } from './reader.ts';

/** A release a helmfile installs, with the kube context it names (the cluster), if any. */
export interface HelmfileRelease {
  release: HelmRelease;
  kubeContext?: string;
  file: string;
}

/** True for a file helmfile reads: `helmfile.yaml` (or .yml) anywhere, and the files of a `helmfile.d` folder. */
export function isHelmfile(file: string): boolean {
  return /(^|\/)helmfile\.ya?ml$/.test(file) || /(^|\/)helmfile\.d\/[^/]+\.ya?ml$/.test(file);
}

/**
 * The releases of a helmfile: each one's chart (a chart folder of the repository when the chart
 * is a path), `values:` (files relative to the helmfile, and inline maps) and `set:`, in that
 * order of priority, as helmfile merges them. `installed: false` releases are left out.
 */
export function helmfileReleases(reader: RepoReader, file: string): HelmfileRelease[] {
  const content = reader.readText(file);
  if (content === undefined) return [];
  let documents;
  try {
    documents = readDocuments(reader.show(file), content);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    reader.problem(error.message, error.at ?? { file: reader.show(file), line: 1, column: 1 });
    return [];
  }
  reader.reach(file);
  const folder = posix.dirname(file);
  const releases: HelmfileRelease[] = [];
  let defaultContext: string | undefined;
  for (const source of documents) {
    const body = mapping(source.value);
    if (!body) continue;
    defaultContext = text(mapping(body.helmDefaults)?.kubeContext) ?? defaultContext;
    list(body.releases).forEach((entry, r) => {
      const release = mapping(entry);
      const name = text(release?.name)?.trim();
      if (!release || !name || release.installed === false) return;
      const chart = text(release.chart)?.trim();
      const local = chart !== undefined && /^\.\.?\//.test(chart) ? posix.normalize(posix.join(folder, chart)).replace(/\/$/, '') : undefined;
      const layers: ValuesLayer[] = [];
      list(release.values).forEach((values, v) => {
        const path = text(values);
        if (path !== undefined) {
          const valuesFile = reader.yamlFile(posix.normalize(posix.join(folder, path)));
          if (valuesFile) layers.push(fileLayer(valuesFile));
        } else if (mapping(values)) layers.push({ values, locate: (p) => source.locate(['releases', r, 'values', v, ...p]) });
      });
      const set = list(release.set);
      if (set.length > 0) layers.push(parameterLayer(set, (i) => source.locate(['releases', r, 'set', i, 'value']), source.locate(['releases', r, 'set'])));
      const namespace = text(release.namespace)?.trim() || undefined;
      const kubeContext = text(release.kubeContext)?.trim() || defaultContext;
      releases.push({
        release: {
          object: { kind: 'helmfile release', ...(namespace !== undefined ? { namespace } : {}), name },
          releaseName: name,
          ...(chart !== undefined ? { chart: posix.basename(chart) } : {}),
          ...(local !== undefined && reader.isChart(local) ? { chartPath: local } : {}),
          layers,
          at: source.locate(['releases', r, 'name']),
        },
        ...(kubeContext !== undefined ? { kubeContext } : {}),
        file,
      });
    });
  }
  return releases;
}

/** The cluster a release goes to when neither a registry nor a kube context names one. */
const DEFAULT_CLUSTER = 'default';

/**
 * The cluster a helmfile installs to: its kube context (kind names a cluster's context
 * `kind-NAME`, so `kind-homelab` is the kind cluster homelab), else `holder`, the cluster whose
 * root holds the helmfile, else the registry's only cluster. Undefined when the registry has no
 * such cluster.
 */
export function helmfileCluster(kubeContext: string | undefined, registry: Registry | undefined, kindNames: ReadonlySet<string>, holder: string | undefined): string | undefined {
  if (kubeContext !== undefined) {
    const kindName = kubeContext.startsWith('kind-') ? kubeContext.slice('kind-'.length) : undefined;
    if (kindName !== undefined && (kindNames.has(kindName) || registry?.clusters.some((c) => c.name === kindName))) return kindName;
    return !registry || registry.clusters.some((c) => c.name === kubeContext) ? kubeContext : undefined;
  }
  if (holder !== undefined) return holder;
  if (!registry) return DEFAULT_CLUSTER;
  return registry.clusters.length === 1 ? registry.clusters[0]!.name : undefined;
}

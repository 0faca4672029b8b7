import { existsSync, readFileSync, statSync } from 'node:fs';
import { annotationIgnores } from '../k8s-manifests/ignores.ts';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { FileProblem, Location, ObjectRef, ObservedService, PortClaim, Registry, RepoObservation, SkippedValue } from '../../core/types.ts';
import { displayPath } from '../../registry/load.ts';
import { YamlSource, type YamlPath } from '../../registry/yaml-source.ts';
import { releaseClaims, type HelmRelease, type ValuesLayer } from '../helm-release/index.ts';
import { hostPortClaims, isService, readManifest, serviceClaims, serviceOf, type KubeObject, type ManifestFile } from '../k8s-manifests/index.ts';
import { list, locateIn, mapping, text } from '../k8s-manifests/objects.ts';
import { isKindConfig, kindClusterName, kindConfigClaims } from '../kind-config/index.ts';
import { argoApplications, globPattern, isArgo, type ArgoApplication } from './argo.ts';
import { KUSTOMIZATION_FILES, listRepo, mayMatter, readBytes } from './files.ts';
import { parseEmbedded } from './embedded.ts';
import { emptyFound, merge, setNamespace, substituteVariables, type Found } from './found.ts';
import { applyPatch, patchOf, targetOf, type PatchTarget } from './patches.ts';

/** Options for a repository scan. */
export interface ScanOptions {
  /** The registry, for cluster names, `paths`, hosts and kind configs. */
  registry?: Registry;
  /** The folder paths are shown relative to. */
  cwd?: string;
  /** Called as files are read: how many so far, of how many. */
  onProgress?: (read: number, total: number) => void;
  /** False parses every file instead of only those whose bytes may matter (for testing the filter). */
  prefilter?: boolean;
}

/** The cluster used when neither a registry nor the repository's layout names one. */
export const DEFAULT_CLUSTER = 'default';

/**
 * Reads a GitOps repository: which files each cluster deploys (registry `paths`, `clusters/NAME`,
 * kustomization resources, Flux Kustomizations, Argo CD Applications and ApplicationSets), and the
 * ports they claim. Files that cannot be parsed are listed as problems; the scan goes on.
 */
export function scanRepo(dir: string, options: ScanOptions = {}): RepoObservation {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, dir);
  if (!existsSync(root)) throw new InputError(`${dir}: no such file or folder`, undefined, 'give the root folder of a GitOps repository');
  if (!statSync(root).isDirectory()) throw new InputError(`${dir}: is a file, not a folder`, undefined, 'give the root folder of a GitOps repository (the folder that holds it, for instance)');
  return new RepoScan(root, cwd, options).run();
}

class RepoScan {
  private readonly files: string[];
  private readonly fileSet: Set<string>;
  private readonly folders: Set<string>;
  private readonly chartFolders = new Set<string>();
  private readonly manifests = new Map<string, ManifestFile>();
  private readonly yamlFiles = new Map<string, YamlSource[] | undefined>();
  /** Kustomization files' text, read with every other file and parsed when a cluster reaches them. */
  private readonly kustomizationTexts = new Map<string, string>();
  private readonly reached = new Set<string>();
  private readonly problems = new Map<string, FileProblem>();
  private readonly skipped = new Map<string, SkippedValue>();
  private filesParsed = 0;
  /** The names the registry gives its services (entry names and Kubernetes names). */
  private readonly registryNames: Set<string>;

  constructor(
    private readonly root: string,
    private readonly cwd: string,
    private readonly options: ScanOptions,
  ) {
    const listing = listRepo(root);
    this.files = listing.files;
    this.fileSet = new Set(listing.files);
    this.folders = listing.folders;
    for (const file of this.files) if (basename(file) === 'Chart.yaml') this.chartFolders.add(posix.dirname(file));
    this.registryNames = new Set((options.registry?.services ?? []).flatMap((s) => (s.kubernetesName ? [s.name, s.kubernetesName] : [s.name])));
  }

  run(): RepoObservation {
    this.readAll();
    const registry = this.options.registry;
    const roots = this.clusterRoots();
    const applications = this.argoApplications();
    const byCluster = new Map<string, Found>();
    const foundFor = (cluster: string) => {
      let found = byCluster.get(cluster);
      if (!found) byCluster.set(cluster, (found = emptyFound()));
      return found;
    };
    for (const [cluster, paths] of roots) {
      const found = foundFor(cluster);
      for (const path of paths) merge(found, this.collect(path, 'flux', []));
    }
    for (const application of applications) {
      const cluster = this.argoCluster(application.destination);
      if (cluster === undefined) continue;
      merge(foundFor(cluster), this.argoFound(application));
    }

    const claims: PortClaim[] = [];
    const services: ObservedService[] = [];
    const deployedNames = new Map<string, Set<string>>();
    for (const [cluster, found] of byCluster) {
      const names = new Set<string>();
      deployedNames.set(cluster, names);
      for (const service of unique(found.services, serviceKey)) {
        service.cluster = cluster;
        services.push(service);
        names.add(service.object.name);
        claims.push(...this.serviceClaims(service));
      }
      for (const claim of found.claims) claims.push({ ...claim, cluster });
      for (const release of found.releases) {
        names.add(release.releaseName);
        for (const claim of this.releaseClaims(release, found.generatedConfigMaps)) claims.push({ ...claim, cluster });
      }
    }
    for (const application of applications) {
      const cluster = this.argoCluster(application.destination);
      if (cluster !== undefined) deployedNames.get(cluster)?.add(application.name);
    }

    const deployedFiles = new Set([...services.map((s) => s.at.file), ...claims.map((c) => c.at.file)]);
    const kindConfigs = new Map<string, string>();
    for (const { object, cluster, host } of this.kindConfigs()) {
      kindConfigs.set(cluster, object.source.file);
      claims.push(...kindConfigClaims(object, cluster, host));
    }

    return {
      root: displayPath(this.root, this.cwd),
      clusters: [...byCluster.keys()].filter((cluster) => !registry || registry.clusters.some((c) => c.name === cluster)).sort(),
      clusterRoots: roots,
      claims: unique(claims, claimKey),
      services,
      deployedNames,
      kindConfigs,
      undeployed: this.undeployedClaims(),
      problems: [...this.problems.values()],
      skipped: [...this.skipped.values()],
      // Only the annotations of what is deployed: a file nothing deploys accepts nothing, and says nothing.
      ignores: [...this.manifests.values()].filter((m) => deployedFiles.has(m.file)).flatMap(annotationIgnores),
      filesSeen: this.files.length,
      filesParsed: this.filesParsed,
    };
  }

  /** Reads every file's bytes, and parses those that may matter. */
  private readAll(): void {
    const total = this.files.length;
    const prefilter = this.options.prefilter !== false;
    this.files.forEach((file, i) => {
      if (i % 500 === 0) this.options.onProgress?.(i, total);
      if (this.inChart(file)) return;
      let bytes: Buffer;
      try {
        bytes = readBytes(join(this.root, file));
      } catch (error) {
        this.problem(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, this.at(file));
        return;
      }
      if (KUSTOMIZATION_FILES.includes(basename(file))) this.kustomizationTexts.set(file, bytes.toString('utf8'));
      else if (!prefilter || mayMatter(bytes, this.registryNames)) this.parse(file, bytes.toString('utf8'));
    });
    this.options.onProgress?.(total, total);
  }

  private parse(file: string, content: string): ManifestFile | undefined {
    this.filesParsed++;
    try {
      const manifest = readManifest(this.show(file), content);
      this.manifests.set(file, manifest);
      for (const skip of manifest.skipped) this.skipped.set(locationKey(skip.at), skip);
      return manifest;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problem(error.message, error.at ?? this.at(file));
      return undefined;
    }
  }

  /** Each cluster's root paths: the registry's `paths`, or `clusters/NAME`; the whole repository as a last resort. */
  private clusterRoots(): Map<string, string[]> {
    const roots = new Map<string, string[]>();
    const registry = this.options.registry;
    if (registry) {
      for (const cluster of registry.clusters) {
        if (cluster.paths) {
          const patterns = cluster.paths.map(globPattern);
          const matched = [...this.folders, ...this.files].filter((path) => patterns.some((p) => p.test(path)));
          roots.set(cluster.name, matched.filter((path) => !matched.some((other) => other !== path && path.startsWith(`${other}/`))));
        } else if (this.folders.has(`clusters/${cluster.name}`)) roots.set(cluster.name, [`clusters/${cluster.name}`]);
      }
    } else {
      for (const folder of this.folders) {
        const match = /^clusters\/([^/]+)$/.exec(folder);
        if (match) roots.set(match[1]!, [folder]);
      }
    }
    const hasArgo = [...this.manifests.values()].some((m) => m.objects.some(isArgo));
    if (roots.size === 0 && !hasArgo) {
      if (!registry) roots.set(DEFAULT_CLUSTER, ['.']);
      else if (registry.clusters.length === 1) roots.set(registry.clusters[0]!.name, ['.']);
    }
    return roots;
  }

  /** What a file or folder deploys; `mode` says how a folder without a kustomization is read. */
  private collect(path: string, mode: 'flux' | 'argo' | 'argo-recurse', ancestors: readonly string[]): Found {
    const found: Found = emptyFound();
    if (ancestors.includes(path)) return found;
    const trail = [...ancestors, path];
    if (this.fileSet.has(path)) {
      this.collectFile(path, found, trail);
      return found;
    }
    if (!this.folders.has(path) || this.chartFolders.has(path)) return found;
    const kustomization = this.kustomizationIn(path);
    if (kustomization) {
      this.collectKustomization(path, kustomization, found, trail);
      return found;
    }
    const prefix = path === '.' ? '' : `${path}/`;
    const built = new Set<string>();
    for (const file of this.filesUnder(prefix)) {
      if (this.inChart(file)) continue;
      const rest = file.slice(prefix.length);
      if (!rest.includes('/')) this.collectFile(file, found, trail);
      else if (mode !== 'argo') {
        // A subfolder with its own kustomization is built as one, once, with its patches.
        const sub = this.nearestKustomizedFolder(prefix, rest);
        if (sub === undefined) this.collectFile(file, found, trail);
        else if (!built.has(sub)) {
          built.add(sub);
          merge(found, this.collect(sub, mode, trail));
        }
      }
    }
    return found;
  }

  private collectFile(file: string, found: Found, trail: readonly string[]): void {
    this.reached.add(file);
    const manifest = this.manifests.get(file);
    if (!manifest) return;
    for (const object of manifest.objects) {
      if (isService(object)) found.services.push(serviceOf(object));
      else if (object.kind === 'Kustomization' && object.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
        merge(found, this.fluxKustomization(object, trail));
      } else if (object.kind === 'HelmRelease' && object.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
        found.releases.push(this.fluxRelease(object));
      } else found.claims.push(...hostPortClaims(object));
    }
  }

  private collectKustomization(folder: string, source: YamlSource, found: Found, trail: readonly string[]): void {
    const body = mapping(source.value) ?? {};
    for (const key of ['resources', 'bases', 'components']) {
      list(body[key]).forEach((entry, i) => {
        const resource = text(entry);
        if (resource === undefined || /:\/\/|^github\.com\/|\?ref=/.test(resource)) return;
        const target = posix.normalize(posix.join(folder, resource)).replace(/\/$/, '');
        if (target.startsWith('..')) return;
        if (!this.fileSet.has(target) && !this.folders.has(target) && !existsSync(join(this.root, target))) {
          this.problem(`kustomization ${key} entry "${resource}" does not exist; kustomize build fails`, source.locate([key, i]));
        } else merge(found, this.collect(target, 'flux', trail));
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
      const values = valuesFile !== undefined ? this.yamlFile(posix.normalize(posix.join(folder, valuesFile))) : undefined;
      if (values) layers.push({ values: values.value, locate: (p) => values.locate(p) });
      if (chart.valuesInline !== undefined) layers.push({ values: chart.valuesInline, locate: (p) => source.locate(['helmCharts', i, 'valuesInline', ...p]) });
      const namespace = text(chart.namespace);
      found.releases.push({ object: { kind: 'HelmChart', ...(namespace !== undefined ? { namespace } : {}), name }, releaseName: name, layers });
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
      if (inline !== undefined) this.inlinePatch(source, [...path, 'patch'], inline, target, found);
      else if (file !== undefined && this.fileSet.has(patchFile(file))) {
        this.reached.add(patchFile(file));
        for (const document of this.yamlDocuments(patchFile(file)) ?? []) {
          const patch = patchOf(document, target);
          if (patch) applyPatch(patch, found.services);
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
  private inlinePatch(source: YamlSource, path: YamlPath, content: string, target: PatchTarget | undefined, found: Found): void {
    const embedded = parseEmbedded(source, source.locate(path), content);
    const patch = embedded && patchOf(embedded.inner, target, embedded.place);
    if (patch) applyPatch(patch, found.services);
  }

  private fluxKustomization(object: KubeObject, trail: readonly string[]): Found {
    const spec = mapping(object.body.spec) ?? {};
    // Without spec.path, Flux builds the source's root.
    const path = text(spec.path) ?? '.';
    const found = this.collect(posix.normalize(path.replace(/^\.?\//, '') || '.').replace(/\/$/, '') || '.', 'flux', trail);
    list(spec.patches).forEach((entry, i) => {
      const patch = mapping(entry);
      const inline = text(patch?.patch);
      if (inline !== undefined) this.inlinePatch(object.source, [...object.path, 'spec', 'patches', i, 'patch'], inline, targetOf(patch?.target), found);
    });
    const namespace = text(spec.targetNamespace);
    if (namespace !== undefined) setNamespace(found, namespace);
    const substitute = mapping(mapping(spec.postBuild)?.substitute);
    if (substitute) substituteVariables(found, new Map(Object.entries(substitute).map(([name, value]) => [name, String(value)])));
    return found;
  }

  private fluxRelease(object: KubeObject): HelmRelease {
    const spec = mapping(object.body.spec) ?? {};
    const chartSpec = mapping(mapping(spec.chart)?.spec);
    const chart = text(chartSpec?.chart);
    const fromGit = text(mapping(chartSpec?.sourceRef)?.kind) === 'GitRepository';
    const chartPath = chart !== undefined && fromGit ? posix.normalize(chart.replace(/^\.\//, '')).replace(/\/$/, '') : undefined;
    return {
      object: refOf(object),
      releaseName: text(spec.releaseName) ?? object.name,
      ...(chartPath !== undefined ? { chartPath } : {}),
      layers: [{ values: spec.values, locate: (path) => locateIn(object, ['spec', 'values', ...path]) }],
      valuesFrom: list(spec.valuesFrom).flatMap((entry) => {
        const source = mapping(entry);
        const name = text(source?.name);
        return source && name !== undefined && (text(source.kind) ?? 'ConfigMap') === 'ConfigMap' ? [{ name, key: text(source.valuesKey) ?? 'values.yaml' }] : [];
      }),
    };
  }

  private serviceClaims(service: ObservedService): PortClaim[] {
    const skipped: SkippedValue[] = [];
    const claims = serviceClaims(service, this.registryNames, skipped);
    for (const skip of skipped) this.skipped.set(locationKey(skip.at), skip);
    return claims;
  }

  /** A release's node ports, over chart defaults, then `valuesFrom` ConfigMaps the cluster generates, then its own values. */
  private releaseClaims(release: HelmRelease, configMaps: Found['generatedConfigMaps'] = new Map()): PortClaim[] {
    const layers: ValuesLayer[] = [];
    if (release.chartPath !== undefined) {
      const defaults = this.yamlFile(`${release.chartPath}/values.yaml`);
      if (defaults) layers.push({ values: defaults.value, locate: (path) => defaults.locate(path) });
    }
    for (const { name, key } of release.valuesFrom ?? []) {
      const file = configMaps.get(name)?.get(key);
      const values = file !== undefined ? this.yamlFile(file) : undefined;
      if (values) layers.push({ values: values.value, locate: (path) => values.locate(path) });
    }
    const skipped: SkippedValue[] = [];
    const claims = releaseClaims({ ...release, layers: [...layers, ...release.layers] }, skipped);
    for (const skip of skipped) this.skipped.set(locationKey(skip.at), skip);
    return claims;
  }

  private argoApplications(): ArgoApplication[] {
    const folders = [...this.folders];
    const clusters = this.options.registry?.clusters.map((c) => c.name) ?? [];
    const applications: ArgoApplication[] = [];
    for (const manifest of this.manifests.values()) {
      for (const object of manifest.objects) if (isArgo(object)) applications.push(...argoApplications(object, folders, clusters));
    }
    return applications;
  }

  private argoCluster(destination: string | undefined): string | undefined {
    if (destination === undefined) return undefined;
    const registry = this.options.registry;
    if (!registry) return destination;
    return registry.clusters.find((c) => c.name === destination)?.name;
  }

  private argoFound(application: ArgoApplication): Found {
    const found: Found = emptyFound();
    for (const source of application.sources) {
      const path = source.path === undefined ? undefined : posix.normalize(source.path.replace(/^\.\//, '')).replace(/\/$/, '') || '.';
      const isChart = path !== undefined && this.chartFolders.has(path);
      if (path !== undefined && !isChart) merge(found, this.collect(path, source.recurse ? 'argo-recurse' : 'argo', []));
      if (!isChart && source.chart === undefined) continue;
      const object = application.object;
      const helm = source.helm ?? {};
      const layers: ValuesLayer[] = [];
      for (const valuesFile of list(helm.valueFiles)) {
        const file = typeof valuesFile === 'string' && path !== undefined ? posix.normalize(posix.join(path, valuesFile)) : undefined;
        const values = file !== undefined ? this.yamlFile(file) : undefined;
        if (values) layers.push({ values: values.value, locate: (p) => values.locate(p) });
      }
      const inline = text(helm.values);
      if (inline !== undefined) {
        const layer = this.embeddedValues(object, [...source.helmPath, 'values'], inline);
        if (layer) layers.push(layer);
      }
      if (helm.valuesObject !== undefined) {
        layers.push({ values: helm.valuesObject, locate: (p) => locateIn(object, [...source.helmPath, 'valuesObject', ...p]) });
      }
      const parameters = list(helm.parameters);
      if (parameters.length > 0) {
        const values: Record<string, unknown> = {};
        const places = new Map<string, Location>();
        parameters.forEach((entry, i) => {
          const parameter = mapping(entry);
          const name = text(parameter?.name);
          if (name === undefined) return;
          let node = values;
          const keys = name.split('.');
          keys.slice(0, -1).forEach((key) => (node = (mapping(node[key]) ?? (node[key] = {})) as Record<string, unknown>));
          node[keys[keys.length - 1]!] = parameter?.value;
          places.set(keys.join('.'), locateIn(object, [...source.helmPath, 'parameters', i, 'value']));
        });
        layers.push({ values, locate: (p) => places.get(p.join('.')) ?? locateIn(object, [...source.helmPath, 'parameters']) });
      }
      found.releases.push({
        object: { kind: 'Application', ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: application.name },
        releaseName: text(helm.releaseName) ?? application.name,
        ...(isChart ? { chartPath: path! } : {}),
        layers,
      });
    }
    if (application.namespace !== undefined) setNamespace(found, application.namespace, false);
    return found;
  }

  /** Helm values written as a YAML string inside the Application; positions point into the block. */
  private embeddedValues(object: KubeObject, path: YamlPath, content: string): ValuesLayer | undefined {
    const embedded = parseEmbedded(object.source, locateIn(object, path), content);
    if (!embedded) return undefined;
    return { values: embedded.inner.value, locate: (p) => embedded.place(embedded.inner.locate(p)) };
  }

  private kindConfigs(): { object: KubeObject; cluster: string; host: string }[] {
    const registry = this.options.registry;
    const registryFolder = registry ? dirname(resolve(this.cwd, registry.file)) : this.root;
    const named = new Map<string, string>();
    for (const cluster of registry?.clusters ?? []) {
      if (cluster.kindConfig === undefined) continue;
      const file = resolve(registryFolder, cluster.kindConfig);
      named.set(file, cluster.name);
      if (!existsSync(file)) {
        this.problem(`cluster ${cluster.name}'s kindConfig ${cluster.kindConfig} does not exist`, cluster.at);
      } else if (!file.startsWith(`${this.root}/`)) {
        try {
          const manifest = readManifest(displayPath(file, this.cwd), readFileSync(file, 'utf8'));
          this.manifests.set(file, manifest);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          this.problem(error.message, error.at ?? { file: displayPath(file, this.cwd), line: 1, column: 1 });
        }
      }
    }
    const configs: { object: KubeObject; cluster: string; host: string }[] = [];
    for (const [file, manifest] of this.manifests) {
      for (const object of manifest.objects) {
        if (!isKindConfig(object)) continue;
        const full = resolve(this.root, file);
        const ownName = kindClusterName(object);
        const cluster =
          named.get(full) ?? registry?.clusters.find((c) => c.name === ownName)?.name ?? ownName ?? basename(file).replace(/\.ya?ml$/, '');
        const host = registry?.clusters.find((c) => c.name === cluster)?.host ?? `${cluster} (own host)`;
        configs.push({ object, cluster, host });
      }
    }
    return configs;
  }

  /** Claims in parsed files that no cluster deploys. */
  private undeployedClaims(): PortClaim[] {
    const claims: PortClaim[] = [];
    for (const [file, manifest] of this.manifests) {
      if (this.reached.has(file) || !this.fileSet.has(file)) continue;
      for (const object of manifest.objects) {
        if (isService(object)) claims.push(...this.serviceClaims(serviceOf(object)));
        else if (object.kind === 'HelmRelease' && object.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) claims.push(...this.releaseClaims(this.fluxRelease(object)));
        else claims.push(...hostPortClaims(object));
      }
    }
    return claims;
  }

  private kustomizationIn(folder: string): YamlSource | undefined {
    for (const name of KUSTOMIZATION_FILES) {
      const file = folder === '.' ? name : `${folder}/${name}`;
      if (this.fileSet.has(file)) {
        this.reached.add(file);
        return this.yamlFile(file);
      }
    }
    return undefined;
  }

  /** A single-document YAML file read on demand (a kustomization, a chart's values.yaml); problems are recorded. */
  private yamlFile(file: string): YamlSource | undefined {
    return this.yamlDocuments(file)?.[0];
  }

  /** Every document of a YAML file read on demand (a patch file may hold several), once. */
  private yamlDocuments(file: string): YamlSource[] | undefined {
    if (this.yamlFiles.has(file)) return this.yamlFiles.get(file);
    let documents: YamlSource[] | undefined;
    if (this.fileSet.has(file)) {
      this.filesParsed++;
      try {
        documents = YamlSource.parseAll(this.show(file), this.kustomizationTexts.get(file) ?? readFileSync(join(this.root, file), 'utf8'));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        this.problem(error.message, error.at ?? this.at(file));
      }
    }
    this.yamlFiles.set(file, documents);
    return documents;
  }

  private nearestKustomizedFolder(prefix: string, rest: string): string | undefined {
    const segments = rest.split('/').slice(0, -1);
    for (let i = 1; i <= segments.length; i++) {
      const folder = `${prefix}${segments.slice(0, i).join('/')}`;
      if (KUSTOMIZATION_FILES.some((name) => this.fileSet.has(`${folder}/${name}`))) return folder;
    }
    return undefined;
  }

  /** The files whose path starts with `prefix`: a run of the sorted list, found by binary search. */
  private filesUnder(prefix: string): string[] {
    if (prefix === '') return this.files;
    let low = 0;
    let high = this.files.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.files[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    let end = low;
    while (end < this.files.length && this.files[end]!.startsWith(prefix)) end++;
    return this.files.slice(low, end);
  }

  private inChart(file: string): boolean {
    if (this.chartFolders.size === 0) return false;
    for (let folder = posix.dirname(file); folder !== '.' && folder !== '/'; folder = posix.dirname(folder)) {
      if (this.chartFolders.has(folder)) return true;
    }
    return false;
  }

  /** Records a file that cannot be read or used, once per place. */
  private problem(message: string, at: Location): void {
    this.problems.set(locationKey(at), { message, at });
  }

  private show(file: string): string {
    return displayPath(join(this.root, file), this.cwd);
  }

  private at(file: string): Location {
    return { file: this.show(file), line: 1, column: 1 };
  }
}

function refOf(object: KubeObject): ObjectRef {
  return { kind: object.kind, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name };
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function serviceKey(service: ObservedService): string {
  return JSON.stringify([service.object.namespace, service.object.name, service.type, service.ports.map((p) => [p.port, p.nodePort, p.protocol])]);
}

function claimKey(claim: PortClaim): string {
  return JSON.stringify([claim.cluster, claim.kind, claim.port, claim.protocol, claim.object?.namespace, claim.object?.name, claim.portName, claim.host, claim.listenAddress]);
}

function locationKey(at: Location): string {
  return `${at.file}:${at.line}:${at.column}`;
}

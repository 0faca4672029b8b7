import { existsSync, readFileSync, statSync } from 'node:fs';
import { annotationIgnores } from '../k8s-manifests/ignores.ts';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { ExcludedPath, FileProblem, Location, ObservedService, PortClaim, Registry, RepoObservation, SkippedValue } from '../../core/types.ts';
import { containedPath, repositoryRoot } from '../../registry/contain.ts';
import { displayPath } from '../../registry/load.ts';
import { readTextFile } from '../../registry/read-file.ts';
import { YamlSource } from '../../yaml/yaml-source.ts';
import { fileLayer, releaseClaims, type HelmRelease, type ValuesLayer } from '../helm-release/index.ts';
import { hostPortClaims, isService, readManifest, serviceClaims, serviceOf, type ManifestFile } from '../k8s-manifests/index.ts';
import { isKindConfig, kindClusterName, kindConfigClaims } from '../kind-config/index.ts';
import { meshHook, type MeshHook } from './mesh.ts';
import { argoApplications, argoClusters, clusterSecrets, clusterServers, destinationIndex, isArgo, resolveDestination, type ArgoApplication } from './argo.ts';
import { argoFound } from './argo-found.ts';
import { chartFolderRelease, chartTemplateClaims } from './charts.ts';
import { clusterRoots } from './clusters.ts';
import { ByteHits, ByteRange, KUSTOMIZATION_FILES, listScanned, mayMatter, readBytes } from './files.ts';
import { fluxKustomization, fluxRelease, fluxRoots, isFluxKustomization, isFluxRelease } from './flux.ts';
import { emptyFound, merge, type Found } from './found.ts';
import { DEFAULT_EXCLUDES } from './globs.ts';
import { helmfileCluster, helmfileReleases, isHelmfile } from './helmfile.ts';
import { kindClusterOf } from './kind.ts';
import { collectKustomization } from './kustomize.ts';
import type { CollectMode, RepoReader } from './reader.ts';

/** Bytes over which a file's byte filter finds each string once for the file and its documents. */
const LARGE_FILE = 64 * 1024;

export { DEFAULT_EXCLUDES } from './globs.ts';

/** Options for a repository scan. */
export interface ScanOptions {
  /** The registry, for cluster names, `paths`, servers, hosts, kind configs and `scan.exclude`. */
  registry?: Registry;
  /** The folder paths are shown relative to. */
  cwd?: string;
  /** Called as files are read: how many so far, of how many. */
  onProgress?: (read: number, total: number) => void;
  /** False parses every file instead of only those whose bytes may matter (for testing the filter). */
  prefilter?: boolean;
  /** Let a registry's kindConfig lie outside the registry's repository (the user said so). */
  allowOutside?: boolean;
  /** Globs left out besides the registry's `scan.exclude` (or the default list when it has none). */
  exclude?: readonly string[];
}

/** The cluster used when neither a registry nor the repository's layout names one. */
export const DEFAULT_CLUSTER = 'default';

/**
 * Reads a GitOps repository: which files each cluster deploys (registry `paths`, Flux roots,
 * `clusters/NAME` folders, kustomization resources, Flux Kustomizations, Argo CD Applications and
 * ApplicationSets, helmfile releases, kind config files), and the ports they claim. Files that
 * cannot be parsed are listed as problems; the scan goes on.
 */
export function scanRepo(dir: string, options: ScanOptions = {}): RepoObservation {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, dir);
  if (!existsSync(root)) throw new InputError(`${dir}: no such file or folder`, undefined, 'give the root folder of a GitOps repository');
  if (!statSync(root).isDirectory()) throw new InputError(`${dir}: is a file, not a folder`, undefined, 'give the root folder of a GitOps repository (the folder that holds it, for instance)');
  return new RepoScan(root, cwd, options).run();
}

class RepoScan implements RepoReader {
  private readonly files: string[];
  readonly fileSet: Set<string>;
  readonly folders: ReadonlySet<string>;
  private readonly chartFolders = new Set<string>();
  private readonly manifests = new Map<string, ManifestFile>();
  private readonly yamlFiles = new Map<string, YamlSource[] | undefined>();
  /** Kustomization files' text, read with every other file and parsed when a cluster reaches them. */
  private readonly kustomizationTexts = new Map<string, string>();
  private readonly reached = new Set<string>();
  /** The first cluster whose root reaches each file. */
  private readonly reachedBy = new Map<string, string>();
  private collecting: string | undefined;
  private readonly problems = new Map<string, FileProblem>();
  private readonly skipped = new Map<string, SkippedValue>();
  /** Kind configs that do not parse: file -> the cluster name they seem to give. */
  private readonly brokenKindConfigs = new Map<string, string | undefined>();
  private readonly excluded: ExcludedPath[];
  /** Files and folders left out -> the topmost path left out that holds them: read only when something refers to them. */
  private readonly leftOut: ReadonlyMap<string, string>;
  /** Left-out files parsed because something refers to them. */
  private readonly readLate = new Set<string>();
  private filesParsed = 0;
  private kustomized: Set<string> | undefined;
  private documentsSkipped = 0;
  /** The names the registry gives its services (entry names and Kubernetes names). */
  private readonly registryNames: Set<string>;
  /** What the mesh rules read from each object: Links, export labels, other clusters' addresses. */
  private readonly mesh: MeshHook;

  constructor(
    private readonly root: string,
    private readonly cwd: string,
    private readonly options: ScanOptions,
  ) {
    const listing = listScanned(root, [...(options.registry?.scanExclude ?? DEFAULT_EXCLUDES), ...(options.exclude ?? [])]);
    this.files = listing.files;
    this.folders = listing.folders;
    this.excluded = listing.excluded;
    this.leftOut = listing.leftOut;
    this.fileSet = new Set(this.files);
    for (const file of this.files) if (basename(file) === 'Chart.yaml') this.chartFolders.add(posix.dirname(file));
    this.registryNames = new Set((options.registry?.services ?? []).flatMap((s) => (s.kubernetesName ? [s.name, s.kubernetesName] : [s.name])));
    this.mesh = meshHook(options.registry);
  }

  run(): RepoObservation {
    this.readAll();
    const registry = this.options.registry;
    const byCluster = new Map<string, Found>();
    const origins = new Map<string, string[]>();
    const noteOrigin = (cluster: string, how: string) => {
      const ways = origins.get(cluster) ?? [];
      if (!ways.includes(how)) origins.set(cluster, [...ways, how]);
    };
    const foundFor = (cluster: string, how: string) => {
      noteOrigin(cluster, how);
      let found = byCluster.get(cluster);
      if (!found) byCluster.set(cluster, (found = emptyFound()));
      return found;
    };

    const scannedFolders = new Set([...this.folders].filter((folder) => !this.leftOut.has(folder)));
    const scannedFiles = this.files.filter((file) => !this.leftOut.has(file));
    for (const cluster of registry?.clusters ?? []) {
      for (const path of cluster.paths ?? []) {
        // Only files inside the repository are listed: a path that leaves it would silently match nothing.
        if (posix.isAbsolute(path) || posix.normalize(path).split('/')[0] === '..') this.problem(`cluster ${cluster.name}'s path ${path} leaves the repository ${this.show('.')}`, cluster.at);
      }
    }
    const roots = clusterRoots({ folders: scannedFolders, files: scannedFiles }, { folders: this.folders, files: this.files }, fluxRoots(this.manifests, scannedFolders), registry);
    const applications = this.argoApplications();
    const helmfiles = scannedFiles.filter(isHelmfile).flatMap((file) => helmfileReleases(this, file));
    const hasArgo = [...this.manifests.values()].some((m) => m.objects.some(isArgo));
    if (roots.size === 0 && !hasArgo && helmfiles.length === 0) {
      if (!registry) roots.set(DEFAULT_CLUSTER, { paths: ['.'], how: ['the whole repository'] });
      else if (registry.clusters.length === 1) roots.set(registry.clusters[0]!.name, { paths: ['.'], how: ['the whole repository'] });
    }
    for (const [cluster, root] of roots) {
      this.collecting = cluster;
      root.how.forEach((how) => foundFor(cluster, how));
      const found = foundFor(cluster, root.how[0]!);
      for (const path of root.paths) merge(found, this.collect(path, 'flux', []));
    }
    this.collecting = undefined;

    const deployedApplications: { cluster: string; application: ArgoApplication }[] = [];
    const secrets = clusterSecrets(this.manifests.values());
    const index = destinationIndex(registry, roots.keys(), secrets);
    for (const { application, file } of applications) {
      if (application.unexpanded.length > 0) {
        this.skip({ reason: 'ApplicationSet template not expanded', text: application.unexpanded.join(', '), at: application.at });
        continue;
      }
      const destination = resolveDestination(application.destination, index, this.reachedBy.get(file), !registry);
      if (destination.cluster === undefined) {
        this.skip({ reason: 'Argo CD destination not known', text: `${application.name}: ${destination.why}`, at: application.at });
        continue;
      }
      merge(foundFor(destination.cluster, destination.how), argoFound(this, application));
      deployedApplications.push({ cluster: destination.cluster, application });
    }

    const kindNames = new Set([...this.manifests.values()].flatMap((m) => m.objects.filter(isKindConfig).flatMap((o) => kindClusterName(o) ?? [])));
    for (const { release, kubeContext, file } of helmfiles) {
      const cluster = helmfileCluster(kubeContext, registry, kindNames, this.reachedBy.get(file));
      if (cluster === undefined) {
        this.skip({ reason: 'helmfile kubeContext not known', text: `${release.releaseName}: kubeContext ${kubeContext} is no cluster of the registry`, at: release.at! });
        continue;
      }
      foundFor(cluster, kubeContext !== undefined ? `helmfile ${file} kubeContext ${kubeContext}` : `helmfile ${file}`).releases.push(release);
    }

    const kindConfigs = new Map<string, string>();
    const kindClaims: PortClaim[] = [];
    for (const { file, object, cluster, host } of this.kindConfigs()) {
      kindConfigs.set(cluster, object.source.file);
      noteOrigin(cluster, `kind config ${object.source.file}`);
      kindClaims.push(...kindConfigClaims(object, cluster, host));
      // The other documents of a kind config file (a Service applied beside it) run in that cluster.
      const manifest = this.manifests.get(file)!;
      if (!this.reached.has(file) && manifest.objects.some((o) => !isKindConfig(o))) {
        this.collectFile(file, foundFor(cluster, `kind config ${object.source.file}`), []);
      }
    }
    const unreadKindConfigs = new Map<string, string>();
    for (const [file, name] of this.brokenKindConfigs) {
      const cluster = this.kindClusterOf(file, name);
      if (kindConfigs.has(cluster)) continue;
      unreadKindConfigs.set(cluster, this.show(file));
      noteOrigin(cluster, `kind config ${this.show(file)} (unreadable)`);
    }

    const claims: PortClaim[] = [];
    const services: ObservedService[] = [];
    const deployedNames = new Map<string, Set<string>>();
    // Addresses in the values files a cluster's releases use (chart defaults, valueFiles, helmfile and valuesFrom files).
    for (const found of byCluster.values()) {
      for (const release of found.releases) {
        for (const layer of this.releaseLayers(release, found.generatedConfigMaps)) this.mesh.values(layer, release.object, found);
      }
    }
    const mesh = this.mesh.gather(byCluster);
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
    for (const { cluster, application } of deployedApplications) deployedNames.get(cluster)?.add(application.name);
    const deployedFiles = new Set([...services.map((s) => s.at.file), ...claims.map((c) => c.at.file)]);
    claims.push(...kindClaims);

    const known = (cluster: string) => !registry || registry.clusters.some((c) => c.name === cluster);
    return {
      root: displayPath(this.root, this.cwd),
      clusters: [...byCluster.keys()].filter(known).sort(),
      clusterRoots: new Map([...roots].map(([cluster, root]) => [cluster, root.paths])),
      clusterOrigins: new Map([...origins].filter(([cluster]) => known(cluster) || kindConfigs.has(cluster) || unreadKindConfigs.has(cluster))),
      claims: unique(claims, claimKey),
      services,
      deployedNames,
      kindConfigs,
      unreadKindConfigs,
      undeployed: this.undeployedClaims(),
      problems: [...this.problems.values()],
      skipped: [...this.skipped.values()],
      // A left-out folder that a deployed kustomization, Flux Kustomization or Application named was read after all.
      excluded: this.excluded.filter((e) => !this.readLate.has(e.path) && ![...this.readLate].some((file) => file.startsWith(`${e.path}/`))),
      clusterServers: clusterServers(registry, secrets),
      // Only the annotations of what is deployed: a file nothing deploys accepts nothing, and says nothing.
      ignores: [...this.manifests.values()].filter((m) => deployedFiles.has(m.file)).flatMap(annotationIgnores),
      filesSeen: scannedFiles.length,
      filesParsed: this.filesParsed,
      documentsSkipped: this.documentsSkipped,
      ...(mesh ? { mesh } : {}),
    };
  }

  /** Reads every file's bytes, and parses those that may matter. */
  private readAll(): void {
    const total = this.files.length;
    const prefilter = this.options.prefilter !== false;
    this.files.forEach((file, i) => {
      if (i % 500 === 0) this.options.onProgress?.(i, total);
      if (this.inChart(file) || isHelmfile(file) || this.leftOut.has(file)) return;
      let bytes: Buffer;
      try {
        bytes = readBytes(join(this.root, file));
      } catch (error) {
        this.problem(error instanceof InputError ? error.message : `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, this.at(file));
        return;
      }
      if (KUSTOMIZATION_FILES.includes(basename(file))) this.kustomizationTexts.set(file, bytes.toString('utf8'));
      else {
        // In a large file the strings looked for are found once, for the file and for each of its documents.
        const hits = prefilter && bytes.length > LARGE_FILE ? new ByteHits(bytes) : undefined;
        if (prefilter && !this.mayMatter(hits ? new ByteRange(bytes, 0, bytes.length, hits) : bytes)) return;
        const content = bytes.toString('utf8');
        const skipped = new Set<number>();
        this.parse(file, content, prefilter ? this.documentFilter(bytes, content, skipped, hits) : undefined);
        this.documentsSkipped += skipped.size;
      }
    });
    this.options.onProgress?.(total, total);
  }

  /** Whether a file's (or a document's) bytes may hold anything the scan reads. */
  private mayMatter(bytes: Buffer | ByteRange): boolean {
    return mayMatter(bytes, this.registryNames) || this.mesh.mayMatter(bytes);
  }

  /**
   * Which documents of a file of several to read: those whose own bytes may matter, judged as
   * a file's are. A bundle that `kustomize build` or a Helm template dump wrote holds thousands
   * of documents, a few of them NodePort Services; the Deployments and ConfigMaps are never parsed.
   * `bytes` (valid until the next file is read) are the bytes `content` was decoded from; where
   * each document left out starts goes into `skipped`.
   */
  private documentFilter(bytes: Buffer, content: string, skipped: Set<number>, fileHits: ByteHits | undefined): (from: number, to: number) => boolean {
    // Offsets in the text are offsets in the bytes when every character is one byte.
    const ascii = content.length === bytes.length;
    let hits = ascii ? fileHits : undefined;
    return (from, to) => {
      if (ascii) hits ??= new ByteHits(bytes);
      const kept = this.mayMatter(hits ? new ByteRange(bytes, from, to, hits) : Buffer.from(content.slice(from, to), 'utf8'));
      if (!kept) skipped.add(from);
      return kept;
    };
  }

  private parse(file: string, content: string, keep?: (from: number, to: number) => boolean): ManifestFile | undefined {
    this.filesParsed++;
    try {
      const manifest = readManifest(this.show(file), content, keep);
      this.manifests.set(file, manifest);
      for (const skip of manifest.skipped) this.skip(skip);
      return manifest;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problem(error.message, error.at ?? this.at(file));
      // A kind config that does not parse still names a cluster the registry should keep.
      if (/apiVersion:\s*["']?kind\.x-k8s\.io\//.test(content) && /^kind:\s*["']?Cluster\b/m.test(content)) {
        this.brokenKindConfigs.set(file, /^name:\s*["']?([\w.-]+)/m.exec(content)?.[1]);
      }
      return undefined;
    }
  }

  /** What a file or folder deploys; `mode` says how a folder without a kustomization is read. */
  collect(path: string, mode: CollectMode, ancestors: readonly string[]): Found {
    const found: Found = emptyFound();
    if (ancestors.includes(path)) return found;
    const trail = [...ancestors, path];
    if (this.fileSet.has(path)) {
      this.collectFile(path, found, trail);
      return found;
    }
    if (!this.folders.has(path)) return found;
    if (this.chartFolders.has(path)) {
      found.releases.push(chartFolderRelease(this, path));
      return found;
    }
    const kustomization = this.kustomizationIn(path);
    if (kustomization) {
      collectKustomization(this, this.root, path, kustomization, found, trail);
      return found;
    }
    const prefix = path === '.' ? '' : `${path}/`;
    const built = new Set<string>();
    for (const file of this.filesUnder(prefix)) {
      if (this.inChart(file)) continue;
      // What is left out below this folder is not read; a left-out folder named itself is.
      const top = this.leftOut.get(file);
      if (top !== undefined && top !== path && !path.startsWith(`${top}/`)) continue;
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
    this.reach(file);
    if (this.leftOut.has(file) && !this.readLate.has(file)) {
      this.readLate.add(file);
      const text = this.readText(file);
      if (text !== undefined) {
        this.filesParsed--; // readText counted it; parse counts it once
        this.parse(file, text);
      }
    }
    const manifest = this.manifests.get(file);
    if (!manifest) return;
    for (const object of manifest.objects) {
      this.mesh.read(object, found);
      if (isService(object)) found.services.push(this.mesh.service(object, serviceOf(object)));
      else if (isFluxKustomization(object)) merge(found, fluxKustomization(this, object, trail));
      else if (isFluxRelease(object)) found.releases.push(fluxRelease(object));
      else found.claims.push(...hostPortClaims(object));
    }
  }

  private serviceClaims(service: ObservedService): PortClaim[] {
    const skipped: SkippedValue[] = [];
    const claims = serviceClaims(service, this.registryNames, skipped);
    for (const skip of skipped) this.skip(skip);
    return claims;
  }

  /** A release's values: chart defaults, then `valuesFrom` ConfigMaps the cluster generates, then its own values. */
  private releaseLayers(release: HelmRelease, configMaps: Found['generatedConfigMaps']): ValuesLayer[] {
    const layers: ValuesLayer[] = [];
    if (release.chartPath !== undefined) {
      const defaults = this.yamlFile(`${release.chartPath}/values.yaml`);
      if (defaults) layers.push(fileLayer(defaults));
    }
    for (const { name, key } of release.valuesFrom ?? []) {
      const file = configMaps.get(name)?.get(key);
      const values = file !== undefined ? this.yamlFile(file) : undefined;
      if (values) layers.push(fileLayer(values));
    }
    return [...layers, ...release.layers];
  }

  /** A release's ports, over all its values layers; and its chart's literal ports. */
  private releaseClaims(release: HelmRelease, configMaps: Found['generatedConfigMaps'] = new Map()): PortClaim[] {
    const skipped: SkippedValue[] = [];
    const claims = releaseClaims({ ...release, layers: this.releaseLayers(release, configMaps) }, skipped);
    for (const skip of skipped) this.skip(skip);
    return [...claims, ...chartTemplateClaims(this, release)];
  }

  /** Every Application, with the file it is written in; the ApplicationSets' generated ones too. */
  private argoApplications(): { application: ArgoApplication; file: string }[] {
    const folders = [...this.folders];
    const clusters = argoClusters(this.options.registry, clusterSecrets(this.manifests.values()));
    const applications: { application: ArgoApplication; file: string }[] = [];
    for (const [file, manifest] of this.manifests) {
      for (const object of manifest.objects) {
        if (isArgo(object)) for (const application of argoApplications(object, folders, clusters)) applications.push({ application, file });
      }
    }
    return applications;
  }

  private kindConfigs(): { file: string; object: ManifestFile['objects'][number]; cluster: string; host: string }[] {
    const registry = this.options.registry;
    const registryFolder = registry ? dirname(resolve(this.cwd, registry.file)) : this.root;
    const named = new Map<string, string>();
    for (const cluster of registry?.clusters ?? []) {
      if (cluster.kindConfig === undefined) continue;
      let file: string;
      try {
        file = this.options.allowOutside ? resolve(registryFolder, cluster.kindConfig) : containedPath(cluster.kindConfig, registryFolder, repositoryRoot(resolve(this.cwd, registry!.file)), { name: `cluster ${cluster.name}'s kindConfig` });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        this.problem(error.message, cluster.at);
        continue;
      }
      named.set(file, cluster.name);
      if (!existsSync(file)) {
        this.problem(`cluster ${cluster.name}'s kindConfig ${cluster.kindConfig} does not exist`, cluster.at);
      } else if (!file.startsWith(`${this.root}/`)) {
        try {
          const manifest = readManifest(displayPath(file, this.cwd), readTextFile(file, displayPath(file, this.cwd)));
          this.manifests.set(file, manifest);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          this.problem(error.message, error.at ?? { file: displayPath(file, this.cwd), line: 1, column: 1 });
        }
      }
    }
    const configs: { file: string; object: ManifestFile['objects'][number]; cluster: string; host: string }[] = [];
    for (const [file, manifest] of this.manifests) {
      if (this.leftOut.has(file)) continue;
      for (const object of manifest.objects) {
        if (!isKindConfig(object)) continue;
        const cluster = named.get(resolve(this.root, file)) ?? this.kindClusterOf(file, kindClusterName(object));
        const host = registry?.clusters.find((c) => c.name === cluster)?.host ?? `${cluster} (own host)`;
        configs.push({ file, object, cluster, host });
      }
    }
    return configs;
  }

  private kindClusterOf(file: string, ownName: string | undefined): string {
    return kindClusterOf(this.options.registry, this.cwd, resolve(this.root, file), this.reachedBy.get(file), ownName);
  }

  /** Claims in parsed files that no cluster deploys. */
  private undeployedClaims(): PortClaim[] {
    const claims: PortClaim[] = [];
    for (const [file, manifest] of this.manifests) {
      if (this.reached.has(file) || !this.fileSet.has(file) || this.leftOut.has(file)) continue;
      for (const object of manifest.objects) {
        if (isService(object)) claims.push(...this.serviceClaims(serviceOf(object)));
        else if (isFluxRelease(object)) claims.push(...this.releaseClaims(fluxRelease(object)));
        else claims.push(...hostPortClaims(object));
      }
    }
    return claims;
  }

  private kustomizationIn(folder: string): YamlSource | undefined {
    for (const name of KUSTOMIZATION_FILES) {
      const file = folder === '.' ? name : `${folder}/${name}`;
      if (this.fileSet.has(file)) {
        this.reach(file);
        return this.yamlFile(file);
      }
    }
    return undefined;
  }

  yamlFile(file: string): YamlSource | undefined {
    return this.yamlDocuments(file)?.[0];
  }

  yamlDocuments(file: string): YamlSource[] | undefined {
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

  readText(file: string): string | undefined {
    if (!this.fileSet.has(file)) return undefined;
    try {
      this.filesParsed++;
      return readFileSync(join(this.root, file), 'utf8');
    } catch (error) {
      this.problem(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, this.at(file));
      return undefined;
    }
  }

  reach(file: string): void {
    this.reached.add(file);
    if (this.collecting !== undefined && !this.reachedBy.has(file)) this.reachedBy.set(file, this.collecting);
  }

  isChart(folder: string): boolean {
    return this.chartFolders.has(folder);
  }

  private nearestKustomizedFolder(prefix: string, rest: string): string | undefined {
    // The folders that hold a kustomization, found once: this is asked for each of 20,000 files.
    this.kustomized ??= new Set(this.files.filter((file) => KUSTOMIZATION_FILES.includes(posix.basename(file))).map((file) => posix.dirname(file)));
    for (let slash = rest.indexOf('/'); slash !== -1; slash = rest.indexOf('/', slash + 1)) {
      const folder = `${prefix}${rest.slice(0, slash)}`;
      if (this.kustomized.has(folder)) return folder;
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

  problem(message: string, at: Location): void {
    this.problems.set(locationKey(at), { message, at });
  }

  skip(value: SkippedValue): void {
    this.skipped.set(`${locationKey(value.at)}:${value.text}`, value);
  }

  show(file: string): string {
    return displayPath(join(this.root, file), this.cwd);
  }

  private at(file: string): Location {
    return { file: this.show(file), line: 1, column: 1 };
  }
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

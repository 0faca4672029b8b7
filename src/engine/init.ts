import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { InputError } from '../core/errors.ts';
import { inSpans, intersectSpans, parseSpan } from '../core/span.ts';
import type { PortSpan, RepoObservation, Summary } from '../core/types.ts';
import { writeFileAtomic } from '../registry/atomic-write.ts';
import { starterRegistry, type InferredRange, type Starter } from '../registry/from-observation.ts';
import { displayPath, parseRegistry, REGISTRY_FILE } from '../registry/load.ts';
import type { RegistryDocument } from '../registry/schema.ts';
import { registryYaml } from '../registry/write.ts';
import { ruleIds } from '../rules/index.ts';
import { DEFAULT_EXCLUDES, scanRepo } from '../sources/gitops-repo/index.ts';
import { loadPortDocument } from '../sources/port-doc/index.ts';
import { checkRegistry } from './check.ts';

/** What `portolan init` is asked to do. */
export interface InitOptions {
  /** The repository folder; the registry is written there. */
  repo: string;
  /** The folder paths are given and shown relative to. */
  cwd: string;
  /** A Markdown port document whose ranges, services and notes the registry starts from. */
  doc?: string;
  /** Replace a registry that exists. */
  force?: boolean;
  /** Write nothing; the result still holds the text. */
  dryRun?: boolean;
  /** Globs to leave out besides the default test, example and archive folders. */
  exclude?: readonly string[];
  onProgress?: (read: number, total: number) => void;
}

/** What `portolan init` found and wrote. */
export interface InitResult {
  /** The registry file, as shown. */
  file: string;
  text: string;
  written: boolean;
  observed: RepoObservation;
  ranges: InferredRange[];
  rulesOff: Starter['rulesOff'];
  /** The port document read, with what it gave. */
  imported?: { file: string; ranges: number; services: number; added: string[] };
  clusters: { name: string; how: string[]; paths: string[]; kindConfig?: string; server?: string; host?: string }[];
  services: number;
  /** What `check --repo` reports on the repository with the new registry. */
  check: Summary;
  /** The command to run next. */
  next: string;
}

/**
 * Writes a registry from what a repository deploys (and from a port document, when one is
 * given), then checks the repository against it, so the report says what the first
 * `check --repo` will find. An existing registry is replaced only with `force`.
 */
export function initRegistry(options: InitOptions): InitResult {
  const root = resolve(options.cwd, options.repo);
  const target = join(root, REGISTRY_FILE);
  const shown = displayPath(target, options.cwd);
  if (existsSync(target) && !options.force && !options.dryRun) {
    throw new InputError(`${shown} exists`, undefined, 'give --force to replace it, or --dry-run to print what init would write');
  }
  const observed = scanRepo(options.repo, { cwd: options.cwd, ...(options.exclude ? { exclude: options.exclude } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const exclude = [...DEFAULT_EXCLUDES, ...(options.exclude ?? [])];
  const starter = starterRegistry(observed, { cwd: options.cwd, registryFolder: root, exclude });
  let document = starter.registry;
  let ranges = starter.ranges;
  let rulesOff = starter.rulesOff;
  let imported: InitResult['imported'];
  if (options.doc !== undefined) {
    const docFile = resolve(options.cwd, options.doc);
    const portDocument = loadPortDocument(docFile, displayPath(docFile, options.cwd));
    const merged = withDocument(starter, portDocument.registry, relative(root, docFile).split(sep).join('/'));
    document = merged.registry;
    ranges = merged.ranges;
    rulesOff = [];
    imported = {
      file: displayPath(docFile, options.cwd),
      ranges: Object.keys(portDocument.registry.ranges ?? {}).length,
      services: Object.keys(portDocument.registry.services ?? {}).length,
      added: merged.added,
    };
  }
  const rootShown = root === resolve(options.cwd) ? '.' : displayPath(root, options.cwd);
  const text = registryText(document, `${rootShown}${imported ? ` and from ${imported.file}` : ''}`);
  // The registry is read back as check will read it: a failure here is a bug in init.
  const registry = parseRegistry(shown, text, { ruleIds, cwd: options.cwd });
  const checked = scanRepo(options.repo, { registry, cwd: options.cwd });
  const result = checkRegistry(registry, { observed: checked });
  if (!options.dryRun) {
    try {
      writeFileAtomic(target, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new InputError(`${shown}: cannot write: ${code}`, undefined, 'check that the folder can be written', { cause: error });
    }
  }
  return {
    file: shown,
    text,
    written: !options.dryRun,
    observed,
    ranges,
    rulesOff,
    ...(imported ? { imported } : {}),
    clusters: registry.clusters.map((cluster) => ({
      name: cluster.name,
      how: observed.clusterOrigins.get(cluster.name) ?? checked.clusterOrigins.get(cluster.name) ?? [],
      paths: cluster.paths ?? [],
      ...(cluster.kindConfig !== undefined ? { kindConfig: cluster.kindConfig } : {}),
      ...(cluster.server !== undefined ? { server: cluster.server } : {}),
      ...(cluster.host !== undefined ? { host: cluster.host } : {}),
    })),
    services: registry.services.length,
    check: result.summary,
    next: rootShown === '.' ? 'portolan check --repo .' : `cd ${rootShown} && portolan check --repo .`,
  };
}

/** A starting registry's text from a scan, as `scan --format registry` (the old form of `init --dry-run`) prints it. */
export function starterText(observed: RepoObservation, options: { cwd: string; registryFolder: string; exclude: readonly string[] }): string {
  return registryText(starterRegistry(observed, options).registry, resolve(options.cwd, observed.root) === resolve(options.cwd) ? '.' : observed.root);
}

function registryText(document: RegistryDocument, from: string): string {
  return registryYaml(document, {
    header: [`Written by \`portolan init\` from what ${from} deploys.`, 'Name owners, adjust the ranges, then run `portolan check --repo .` in this folder.'],
  });
}

/**
 * The port document's plan with the repository's facts added: its clusters gain paths, kind
 * configs, servers and hosts; services the document does not name are added, in the document's
 * range that holds their ports, else in an inferred range that overlaps none of the document's.
 */
function withDocument(starter: Starter, planned: RegistryDocument, docs: string): { registry: RegistryDocument; added: string[]; ranges: InferredRange[] } {
  const registry: RegistryDocument = structuredClone(planned);
  registry.docs = docs;
  const found = starter.registry;
  const clusters = (registry.clusters ??= {});
  const foundClusters = found.clusters ?? {};
  // A document that names no cluster put its services in one called `default`: the repository's clusters replace it.
  if (Object.keys(clusters).length === 1 && clusters.default !== undefined && Object.keys(foundClusters).length > 0 && foundClusters.default === undefined) {
    delete clusters.default;
    for (const service of Object.values(registry.services ?? {})) if (Array.isArray(service.clusters)) delete service.clusters;
  }
  for (const [name, facts] of Object.entries(foundClusters)) clusters[name] = { ...facts, ...clusters[name] };

  const rangeSpans = new Map(Object.entries(registry.ranges ?? {}).map(([name, range]) => [name, spansOf(range.ports)]));
  const plannedNames = new Set(Object.entries(registry.services ?? {}).flatMap(([name, s]) => [name, ...(s.kubernetesName ? [s.kubernetesName] : [])]));
  const services = (registry.services ??= {});
  const ranges = (registry.ranges ??= {});
  const added: string[] = [];
  const used: InferredRange[] = [];
  const notes = [...(registry.notes ?? [])];
  for (const [name, service] of Object.entries(found.services ?? {})) {
    if (plannedNames.has(name) || (service.kubernetesName !== undefined && plannedNames.has(service.kubernetesName))) continue;
    const ports = portsOfEntry(service);
    const { range: _inferred, ...rest } = service;
    const home = [...rangeSpans].find(([, spans]) => ports.every((port) => inSpans(port, spans)))?.[0];
    if (home !== undefined) services[name] = { range: home, ...rest };
    else {
      const inferred = starter.ranges.find((range) => range.services.includes(name));
      const spans = inferred ? spansOf(inferred.ports) : [];
      const clashes = [...rangeSpans.values()].some((other) => intersectSpans(other, spans).length > 0);
      if (inferred && !clashes) {
        if (!ranges[inferred.name]) {
          ranges[inferred.name] = found.ranges![inferred.name]!;
          used.push(inferred);
          rangeSpans.set(inferred.name, spans);
          notes.push(`Range ${inferred.name} (${inferred.ports.join(', ')}) is drawn around node ports the repository deploys and the document does not plan.`);
        }
        services[name] = { range: inferred.name, ...rest };
      } else services[name] = rest;
    }
    added.push(name);
  }
  if (notes.length > 0) registry.notes = notes;
  if (found.scan) registry.scan = found.scan;
  return { registry, added, ranges: used };
}

function spansOf(ports: string | number | (string | number)[]): PortSpan[] {
  return (Array.isArray(ports) ? ports : [ports]).flatMap((entry) => {
    const span = typeof entry === 'number' ? { from: entry, to: entry } : parseSpan(entry);
    return span ? [span] : [];
  });
}

function portsOfEntry(service: NonNullable<RegistryDocument['services']>[string]): number[] {
  const entries = service.port !== undefined ? [service.port] : Object.values(service.ports ?? {});
  return entries.flatMap((entry) => (typeof entry === 'number' ? [entry] : [entry.port, ...Object.values(entry.overrides ?? {})]));
}

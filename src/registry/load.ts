import { statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fileError, InputError, InputErrors } from '../core/errors.ts';
import { DEFAULT_NODE_PORT_RANGE, PORT_MAX, PORT_MIN, formatSpan, parseSpan } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import type {
  Cluster,
  Ignore,
  Location,
  Mesh,
  MeshAddress,
  MeshExport,
  MeshLink,
  PortOverride,
  PortSpan,
  Protocol,
  Range,
  Registry,
  Reservation,
  RuleOverride,
  Service,
  ServicePort,
} from '../core/types.ts';
import type { DocsSettings } from '../core/docs.ts';
import { explain, where } from './explain.ts';
import { RegistrySchema, type PortDocument, type RegistryDocument, type ServiceDocument } from './schema.ts';
import { readTextFile } from './read-file.ts';
import { servicesFitSchema } from './services-fit.ts';
import { MAX_YAML_BYTES, YamlSource, type YamlPath } from '../yaml/yaml-source.ts';

/** The registry's file name, looked for from the current folder upwards. */
export const REGISTRY_FILE = 'portolan.yaml';

let compiled: ReturnType<typeof TypeCompiler.Compile<typeof RegistrySchema>> | undefined;

/** Options for reading a registry. */
export interface LoadOptions {
  /** The rule ids that `rules:` may name. */
  ruleIds?: readonly string[];
  /** The folder paths are shown relative to; the current folder by default. */
  cwd?: string;
}

/**
 * Finds the registry: PATH as a file, or portolan.yaml in PATH, or, without PATH, in the
 * current folder or the nearest one above it.
 */
export function findRegistry(path: string | undefined, cwd = process.cwd()): string {
  if (path !== undefined) {
    const full = resolve(cwd, path);
    if (!existsSync(full)) throw new InputError(`${path}: no such file or folder`, undefined, 'give a portolan.yaml, or a folder that holds one');
    if (statSync(full).isDirectory()) {
      const inside = join(full, REGISTRY_FILE);
      if (!existsSync(inside)) throw new InputError(`${path} holds no ${REGISTRY_FILE}`, undefined, `create one, or give the file's path`);
      return inside;
    }
    return full;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, REGISTRY_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new InputError(
    `no ${REGISTRY_FILE} in ${cwd} or any folder above it`,
    undefined,
    'give one with --registry FILE, or run `portolan check PATH`',
  );
}

/** Reads and validates the registry at `file`; every mistake in it is an InputError with its place. */
export function loadRegistry(file: string, options: LoadOptions = {}): Registry {
  const shown = displayPath(file, options.cwd ?? process.cwd());
  return parseRegistry(shown, readTextFile(file, shown, MAX_YAML_BYTES), options);
}

/** Validates registry text; `file` is the name used in locations. */
export function parseRegistry(file: string, text: string, options: LoadOptions = {}): Registry {
  const source = YamlSource.parse(file, text);
  const document = source.value;
  if (document === null || document === undefined) {
    throw new InputError(`${file} is empty`, { file, line: 1, column: 1 }, 'a registry starts with `version: 1`');
  }
  if (!fitsSchema(document)) {
    const problems = explain(RegistrySchema, document);
    // Unknown rule ids are told in the same pass as the schema's problems, not after they are fixed.
    const unknownRules = unknownRuleProblems(document, options.ruleIds).filter((u) => !problems.some((p) => p.path.join('.') === u.path.join('.') && p.part === 'key'));
    throw new InputErrors(
      [...problems, ...unknownRules]
        .map((p) => new InputError(p.message, source.locate(p.path, p.part), p.hint))
        .sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0)),
    );
  }
  return new RegistryBuilder(source, document, options).build();
}

/**
 * True when the document fits the registry's schema. The services, most of a large registry, are
 * checked by a check written for them and the rest by the compiled schema; whenever the services
 * do not fit, the compiled schema checks everything, and `explain` then says what is wrong.
 */
function fitsSchema(document: unknown): document is RegistryDocument {
  compiled ??= TypeCompiler.Compile(RegistrySchema);
  if (document !== null && typeof document === 'object' && !Array.isArray(document) && (document as { services?: unknown }).services !== undefined && servicesFitSchema((document as { services: unknown }).services)) {
    return compiled.Check({ ...document, services: {} });
  }
  return compiled.Check(document);
}

/** The `rules:` keys and `ignore:` rule ids that name no rule, in a document that may not fit the schema. */
function unknownRuleProblems(
  document: unknown,
  known: readonly string[] | undefined,
  serviceIgnores?: readonly [YamlPath, unknown][],
): { path: YamlPath; part: 'key' | 'value'; message: string; hint: string }[] {
  if (!known || document === null || typeof document !== 'object') return [];
  const doc = document as Record<string, unknown>;
  const problems: { path: YamlPath; part: 'key' | 'value'; message: string; hint: string }[] = [];
  const rules = doc.rules;
  if (rules !== null && typeof rules === 'object' && !Array.isArray(rules)) {
    for (const id of Object.keys(rules)) {
      if (!known.includes(id)) problems.push({ path: ['rules', id], part: 'key', message: `unknown rule "${id}" in rules`, hint: suggestion(id, known, 'rules') });
    }
  }
  const ignoreLists: [YamlPath, unknown][] = [[['ignore'], doc.ignore]];
  const services = doc.services;
  if (serviceIgnores) ignoreLists.push(...serviceIgnores);
  else if (services !== null && typeof services === 'object') {
    // A registry of 100,000 services has a few ignore lists: look at each entry, make nothing for most.
    const entries = services as Record<string, Record<string, unknown> | null>;
    for (const name in entries) {
      const list = entries[name]?.ignore;
      if (list !== undefined) ignoreLists.push([['services', name, 'ignore'], list]);
    }
  }
  for (const [path, list] of ignoreLists) {
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      const rule = (entry as Record<string, unknown> | null)?.rule;
      if (typeof rule === 'string' && !known.includes(rule)) {
        problems.push({ path: [...path, i, 'rule'], part: 'value', message: `unknown rule "${rule}" in ${where([...path, i])}`, hint: suggestion(rule, known, 'rules') });
      }
    });
  }
  return problems;
}

/** A path as shown to people: relative to `cwd` when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

// Most of 100,000 services name their clusters and have no overrides: they share these, which
// nothing changes (they are frozen, so a change would throw rather than reach every service).
const NO_LOCATIONS: Location[] = Object.freeze([]) as unknown as Location[];
const NO_OVERRIDES: PortOverride[] = Object.freeze([]) as unknown as PortOverride[];

/** Turns the validated document into the registry model, checking what the schema cannot. */
class RegistryBuilder {
  private readonly errors: InputError[] = [];

  constructor(
    private readonly source: YamlSource,
    private readonly doc: RegistryDocument,
    private readonly options: LoadOptions,
  ) {}

  build(): Registry {
    const { doc } = this;
    const ranges = Object.entries(doc.ranges ?? {}).map(
      ([name, range]): Range => ({
        name,
        spans: this.spans(range.ports, ['ranges', name, 'ports']),
        ...(range.description !== undefined ? { description: range.description } : {}),
        at: this.at(['ranges', name], 'key'),
      }),
    );
    const clusters = Object.entries(doc.clusters ?? {}).map(([name, cluster]): Cluster => {
      const rangePath = ['clusters', name, 'nodePortRange'];
      const nodePortRange = cluster.nodePortRange === undefined ? DEFAULT_NODE_PORT_RANGE : this.span(cluster.nodePortRange, rangePath);
      return {
        name,
        ...(cluster.title !== undefined ? { title: cluster.title } : {}),
        production: cluster.production ?? false,
        nodePortRange,
        nodePortRangeAt: this.at(cluster.nodePortRange === undefined ? ['clusters', name] : rangePath, cluster.nodePortRange === undefined ? 'key' : 'value'),
        ...(cluster.notes !== undefined ? { notes: cluster.notes } : {}),
        ...(cluster.crossClusterUrl !== undefined ? { crossClusterUrl: cluster.crossClusterUrl } : {}),
        ...(cluster.host !== undefined ? { host: cluster.host } : {}),
        ...(cluster.kindConfig !== undefined ? { kindConfig: cluster.kindConfig } : {}),
        ...(cluster.paths !== undefined ? { paths: cluster.paths } : {}),
        ...(cluster.hostPortOffset !== undefined ? { hostPortOffset: cluster.hostPortOffset } : {}),
        ...(cluster.server !== undefined ? { server: cluster.server } : {}),
        ...(cluster.context !== undefined ? { context: cluster.context } : {}),
        at: this.at(['clusters', name], 'key'),
      };
    });
    const clusterNames = clusters.map((c) => c.name);
    const services: Service[] = [];
    // The few services with an ignore list are noted as the entries are read: one pass over 100,000.
    const withIgnores: [Service, ServiceDocument][] = [];
    for (const name in doc.services) {
      const entry = doc.services[name]!;
      const service = this.service(name, entry, doc.services, clusterNames);
      services.push(service);
      if (entry.ignore !== undefined) withIgnores.push([service, entry]);
    }
    const reserved = (doc.reserved ?? []).map(
      (entry, i): Reservation => ({
        spans: this.spans(entry.ports, ['reserved', i, 'ports']),
        reason: entry.reason,
        clusters: entry.clusters ?? [],
        at: this.at(['reserved', i]),
      }),
    );
    const rules = new Map<string, RuleOverride>();
    for (const [id, setting] of Object.entries(doc.rules ?? {})) rules.set(id, { setting, at: this.at(['rules', id]) });
    const ignoreLists = withIgnores.map(([service, entry]): [YamlPath, unknown] => [['services', service.name, 'ignore'], entry.ignore]);
    for (const problem of unknownRuleProblems(doc, this.options.ruleIds, ignoreLists)) {
      this.errors.push(new InputError(problem.message, this.at(problem.path, problem.part), problem.hint));
    }
    const mesh = doc.mesh !== undefined ? this.mesh(doc.mesh, clusterNames, services) : undefined;
    const ignores = [...this.topLevelIgnores(clusterNames), ...withIgnores.flatMap(([service, entry]) => this.serviceIgnores(service, entry, clusterNames))];
    if (this.errors.length > 0) throw new InputErrors(this.errors);
    return {
      file: this.source.file,
      version: 1,
      ranges,
      clusters,
      services,
      reserved,
      rules,
      ignores,
      notes: doc.notes ?? [],
      ...(doc.docs !== undefined ? this.docs(doc.docs) : {}),
      ...(doc.scan?.exclude !== undefined ? { scanExclude: doc.scan.exclude } : {}),
      ...(mesh ? { mesh } : {}),
      at: this.at([]),
    };
  }

  /** `docs: PORTS.md`, or `docs: { file, title, prose, free }`. */
  private docs(doc: NonNullable<RegistryDocument['docs']>): Pick<Registry, 'docs' | 'docsAt' | 'docsSettings'> {
    if (typeof doc === 'string') return { docs: doc, docsAt: this.at(['docs']) };
    const settings: DocsSettings = {
      ...(doc.file !== undefined ? { file: doc.file } : {}),
      ...(doc.title !== undefined ? { title: doc.title } : {}),
      prose: doc.prose ?? [],
      free: (doc.free ?? []).map((note, i) => ({ spans: this.spans(note.ports, ['docs', 'free', i, 'ports']), note: note.note, at: this.at(['docs', 'free', i]) })),
    };
    return { ...(doc.file !== undefined ? { docs: doc.file, docsAt: this.at(['docs', 'file']) } : {}), docsSettings: settings };
  }

  /** `mesh:`: links, exports and addresses, each naming clusters and services the registry has. */
  private mesh(doc: NonNullable<RegistryDocument['mesh']>, clusterNames: string[], services: Service[]): Mesh {
    const serviceNames = services.map((s) => s.name);
    const links: MeshLink[] = [];
    for (const [from, targets] of Object.entries(doc.links ?? {})) {
      this.knownCluster(from, ['mesh', 'links', from], clusterNames, 'key');
      this.knownClusters(targets, ['mesh', 'links', from], clusterNames);
      targets.forEach((to, i) => {
        if (to === from) this.errors.push(new InputError(`cluster ${from} is linked to itself in mesh.links`, this.at(['mesh', 'links', from, i]), 'a Link names another cluster; remove this one'));
        links.push({ from, to, at: this.at(['mesh', 'links', from, i]) });
      });
    }
    const exports: MeshExport[] = [];
    for (const [service, entry] of Object.entries(doc.exports ?? {})) {
      const path = ['mesh', 'exports', service];
      if (!serviceNames.includes(service)) this.errors.push(new InputError(`no service "${service}" in services, in mesh.exports`, this.at(path, 'key'), suggestion(service, serviceNames, 'services')));
      const clusters = Array.isArray(entry) ? entry : entry.clusters;
      const listPath = Array.isArray(entry) ? path : [...path, 'clusters'];
      this.knownClusters(clusters, listPath, clusterNames);
      const mode = Array.isArray(entry) ? 'gateway' : (entry.mode ?? 'gateway');
      clusters.forEach((cluster, i) => exports.push({ service, cluster, mode, at: this.at([...listPath, i]) }));
    }
    if (doc.gateway !== undefined && !serviceNames.includes(doc.gateway)) {
      this.errors.push(new InputError(`no service "${doc.gateway}" in services, in mesh.gateway`, this.at(['mesh', 'gateway']), suggestion(doc.gateway, serviceNames, 'services')));
    }
    const addresses = (doc.addresses ?? []).map((entry, i): MeshAddress => {
      const from = entry.from === undefined || entry.from === 'all' ? [] : entry.from;
      this.knownClusters(from, ['mesh', 'addresses', i, 'from'], clusterNames);
      return { url: entry.url, from, at: this.at(['mesh', 'addresses', i, 'url']) };
    });
    return {
      ...(doc.address !== undefined ? { address: doc.address } : {}),
      ...(doc.gateway !== undefined ? { gateway: doc.gateway } : {}),
      links,
      exports,
      addresses,
      at: this.at(['mesh'], 'key'),
    };
  }

  private knownCluster(name: string, path: YamlPath, clusterNames: string[], part: 'key' | 'value'): void {
    if (!clusterNames.includes(name)) this.errors.push(new InputError(`no cluster "${name}" in clusters, in ${where(path.slice(0, -1))}`, this.at(path, part), suggestion(name, clusterNames, 'clusters')));
  }

  private topLevelIgnores(clusterNames: string[]): Ignore[] {
    return (this.doc.ignore ?? []).map((entry, i): Ignore => {
      const path = ['ignore', i];
      if (entry.rule === undefined && entry.clusters === undefined && entry.ports === undefined && entry.files === undefined) {
        this.errors.push(new InputError(`${where(path)} accepts every finding`, this.at(path), 'say which with rule, clusters, ports or files; or turn rules off under rules:'));
      }
      this.knownClusters(entry.clusters, [...path, 'clusters'], clusterNames);
      return {
        ...(entry.rule !== undefined ? { rule: entry.rule } : {}),
        clusters: entry.clusters ?? [],
        ports: entry.ports === undefined ? [] : this.spans(entry.ports, [...path, 'ports']),
        files: entry.files ?? [],
        reason: entry.reason,
        at: this.at(path),
      };
    });
  }

  private serviceIgnores(service: Service, doc: ServiceDocument, clusterNames: string[]): Ignore[] {
    return (doc.ignore ?? []).map((entry, i): Ignore => {
      const path = ['services', service.name, 'ignore', i];
      this.knownClusters(entry.clusters, [...path, 'clusters'], clusterNames);
      return { rule: entry.rule, service: service.name, clusters: entry.clusters ?? [], ports: [], files: [], reason: entry.reason, at: this.at(path) };
    });
  }

  /** An ignore's clusters must be the registry's: a typo would accept nothing, silently. */
  private knownClusters(names: string[] | undefined, path: YamlPath, clusterNames: string[]): void {
    (names ?? []).forEach((name, i) => {
      if (!clusterNames.includes(name)) this.errors.push(new InputError(`no cluster "${name}" in clusters, in ${where(path)}`, this.at([...path, i]), suggestion(name, clusterNames, 'clusters')));
    });
  }

  private service(name: string, doc: ServiceDocument, all: object, clusterNames: string[]): Service {
    const allClusters = doc.clusters === undefined || doc.clusters === 'all';
    // Lists made at their length: one grown by push keeps room for 17, and there are 100,000 of them.
    let ports: ServicePort[] = [];
    if (doc.port !== undefined && doc.ports !== undefined) {
      this.errors.push(new InputError(`service ${name} has both "port" and "ports"`, this.at(['services', name, 'ports'], 'key'), 'keep "port" for one port, or "ports" for named ones'));
    } else if (doc.port !== undefined) {
      ports = [this.port(doc.port, doc, 'port', undefined)];
    } else if (doc.ports !== undefined) {
      const named = doc.ports;
      ports = Object.keys(named).map((portName) => this.port(named[portName]!, named, portName, portName));
    } else {
      this.errors.push(new InputError(`service ${name} has no port`, this.at(['services', name], 'key'), 'add `port: N`, or `ports: { api: N, ... }`'));
    }
    // Every service has the same shape, absent fields included: a registry holds thousands.
    return {
      name,
      title: doc.title,
      kubernetesName: doc.kubernetesName,
      range: doc.range,
      rangeAt: doc.range === undefined ? undefined : this.atIn(doc, 'range'),
      namespace: doc.namespace,
      exposure: doc.exposure ?? 'NodePort',
      clusters: allClusters ? clusterNames : (doc.clusters as string[]),
      clustersAt: doc.clusters === undefined ? this.atIn(all, name, 'key') : this.atIn(doc, 'clusters'),
      clusterAt: allClusters ? NO_LOCATIONS : (doc.clusters as string[]).map((_, i) => this.atIn(doc.clusters as string[], i)),
      allClusters,
      status: doc.status ?? 'active',
      replacedBy: doc.replacedBy,
      owner: doc.owner,
      notes: doc.notes,
      ports,
      at: this.atIn(all, name, 'key'),
    };
  }

  /** The port written at `holder[key]`: a number, or a mapping with its protocol and overrides. */
  private port(entry: number | PortDocument, holder: object, key: string, name: string | undefined): ServicePort {
    if (typeof entry === 'number') return { name, port: entry, servicePort: undefined, protocol: 'TCP', overrides: NO_OVERRIDES, notes: undefined, at: this.atIn(holder, key) };
    let overrides = NO_OVERRIDES;
    if (entry.overrides !== undefined) {
      const clusters = Object.keys(entry.overrides);
      overrides = clusters.map((cluster) => ({ cluster, port: entry.overrides![cluster]!, at: this.atIn(entry.overrides!, cluster) }));
    }
    return { name, port: entry.port, servicePort: entry.servicePort, protocol: (entry.protocol ?? 'TCP') as Protocol, overrides, notes: entry.notes, at: this.atIn(entry, 'port') };
  }

  private spans(value: number | string | (number | string)[], path: YamlPath): PortSpan[] {
    const entries = Array.isArray(value) ? value : [value];
    return entries.map((entry, i) => {
      const entryPath = Array.isArray(value) ? [...path, i] : path;
      return typeof entry === 'number' ? { from: entry, to: entry } : this.span(entry, entryPath);
    });
  }

  private span(text: string, path: YamlPath): PortSpan {
    const span = parseSpan(text)!; // the schema's pattern has checked the shape
    for (const port of [span.from, span.to]) {
      if (port < PORT_MIN || port > PORT_MAX) {
        this.errors.push(new InputError(`${where(path)} is "${text}": ${port} is not a port`, this.at(path), `valid ports are ${PORT_MIN}-${PORT_MAX}`));
        return span;
      }
    }
    if (span.from > span.to) {
      this.errors.push(new InputError(`${where(path)} is "${text}", which runs backwards`, this.at(path), `write ${formatSpan({ from: span.to, to: span.from })}`));
      return { from: span.to, to: span.from };
    }
    return span;
  }

  private at(path: YamlPath, part: 'key' | 'value' = 'value') {
    return this.source.lazyLocate(path, part);
  }

  private atIn(container: object, key: string | number, part: 'key' | 'value' = 'value') {
    return this.source.lazyLocateIn(container, key, part);
  }
}

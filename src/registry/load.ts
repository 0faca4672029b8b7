import { readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fileError, InputError, InputErrors } from '../core/errors.ts';
import { DEFAULT_NODE_PORT_RANGE, PORT_MAX, PORT_MIN, formatSpan, parseSpan } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import type {
  Cluster,
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
import { explain, where } from './explain.ts';
import { RegistrySchema, type PortDocument, type RegistryDocument, type ServiceDocument } from './schema.ts';
import { MAX_YAML_BYTES, YamlSource, type YamlPath } from './yaml-source.ts';

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
  const cwd = options.cwd ?? process.cwd();
  const shown = displayPath(file, cwd);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw fileError(shown, error);
  }
  if (size > MAX_YAML_BYTES) {
    throw new InputError(`${shown} is ${(size / 1048576).toFixed(1)} MiB; registries over ${MAX_YAML_BYTES / 1048576} MiB are not read`, {
      file: shown,
      line: 1,
      column: 1,
    });
  }
  return parseRegistry(shown, readFileSync(file, 'utf8'), options);
}

/** Validates registry text; `file` is the name used in locations. */
export function parseRegistry(file: string, text: string, options: LoadOptions = {}): Registry {
  const source = YamlSource.parse(file, text);
  const document = source.value;
  if (document === null || document === undefined) {
    throw new InputError(`${file} is empty`, { file, line: 1, column: 1 }, 'a registry starts with `version: 1`');
  }
  compiled ??= TypeCompiler.Compile(RegistrySchema);
  if (!compiled.Check(document)) {
    const problems = explain(RegistrySchema, document);
    throw new InputErrors(
      problems.map((p) => new InputError(p.message, source.locate(p.path, p.part), p.hint)),
    );
  }
  return new RegistryBuilder(source, document, options).build();
}

/** A path as shown to people: relative to `cwd` when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

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
        at: this.at(['clusters', name], 'key'),
      };
    });
    const clusterNames = clusters.map((c) => c.name);
    const services: Service[] = [];
    for (const name in doc.services) services.push(this.service(name, doc.services[name]!, doc.services, clusterNames));
    const reserved = (doc.reserved ?? []).map(
      (entry, i): Reservation => ({
        spans: this.spans(entry.ports, ['reserved', i, 'ports']),
        reason: entry.reason,
        clusters: entry.clusters ?? [],
        at: this.at(['reserved', i]),
      }),
    );
    const rules = new Map<string, RuleOverride>();
    for (const [id, setting] of Object.entries(doc.rules ?? {})) {
      const known = this.options.ruleIds;
      if (known && !known.includes(id)) {
        this.errors.push(new InputError(`unknown rule "${id}" in rules`, this.at(['rules', id], 'key'), suggestion(id, known, 'rules')));
      }
      rules.set(id, { setting, at: this.at(['rules', id]) });
    }
    if (this.errors.length > 0) throw new InputErrors(this.errors);
    return {
      file: this.source.file,
      version: 1,
      ranges,
      clusters,
      services,
      reserved,
      rules,
      notes: doc.notes ?? [],
      ...(doc.docs !== undefined ? { docs: doc.docs } : {}),
      at: this.at([]),
    };
  }

  private service(name: string, doc: ServiceDocument, all: object, clusterNames: string[]): Service {
    const allClusters = doc.clusters === undefined || doc.clusters === 'all';
    const ports: ServicePort[] = [];
    if (doc.port !== undefined && doc.ports !== undefined) {
      this.errors.push(new InputError(`service ${name} has both "port" and "ports"`, this.at(['services', name, 'ports'], 'key'), 'keep "port" for one port, or "ports" for named ones'));
    } else if (doc.port !== undefined) {
      ports.push(this.port(doc.port, doc, 'port', undefined));
    } else if (doc.ports !== undefined) {
      for (const portName in doc.ports) ports.push(this.port(doc.ports[portName]!, doc.ports, portName, portName));
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
      clusterAt: allClusters ? [] : (doc.clusters as string[]).map((_, i) => this.atIn(doc.clusters as string[], i)),
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
    if (typeof entry === 'number') return { name, port: entry, protocol: 'TCP', overrides: [], notes: undefined, at: this.atIn(holder, key) };
    const overrides: PortOverride[] = [];
    for (const cluster in entry.overrides) {
      overrides.push({ cluster, port: entry.overrides[cluster]!, at: this.atIn(entry.overrides, cluster) });
    }
    return { name, port: entry.port, protocol: (entry.protocol ?? 'TCP') as Protocol, overrides, notes: entry.notes, at: this.atIn(entry, 'port') };
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

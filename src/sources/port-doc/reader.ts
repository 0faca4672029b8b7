import { formatSpan } from '../../core/span.ts';
import type { PortSpan } from '../../core/types.ts';
import type { ClusterDraft, PortDraft, RangeDraft, ReservationDraft, ServiceDraft } from './drafts.ts';
import { plainText, slugOf, spansOf } from './markdown.ts';
import { rangeNameOf, replacementIn, statusIn, type SectionKind } from './phrases.ts';
import { URL_PATTERN, type UrlMention } from './urls.ts';
import type { MeshDraft } from './drafts.ts';

/** A line that looks like it carries ports but could not be placed in the registry. */
export interface UnplacedLine {
  line: number;
  column: number;
  text: string;
  reason: string;
}

/** Something the import decided that the reader of the registry should know. */
export interface ImportDecision {
  line: number;
  message: string;
}

/** What the headings above a line say about it. */
export interface HeadingContext {
  level: number;
  kind?: SectionKind;
  /** A range name, or null for "no range". */
  range?: string | null;
  clusters?: string[] | 'all';
  /** For cross-cluster access: the cluster reached. */
  target?: string;
  /** For cross-cluster access: the cluster the address is used from ("From Studio to Forge"); every other one when absent. */
  source?: string;
  /** `## Namespace: monitoring`: the namespace of the services under it. */
  namespace?: string;
}

/** What the headings above a line say, resolved from the innermost heading outwards. */
export interface SectionContext {
  kind: SectionKind;
  range?: string | null;
  clusters?: string[] | 'all';
  target?: string;
  source?: string;
  namespace?: string;
}

/** Ports the document says are free (`| 31500 | AVAILABLE |`, "Next available ports"): never a service. */
export interface FreePortNote {
  spans: PortSpan[];
  note: string;
  line: number;
}

/** A block the document shows as an example (a Kubernetes object, shell commands): it holds no allocation. */
export interface DocumentExample {
  /** The first and last line of the block's body. */
  line: number;
  end: number;
  /** What it is: `a Kubernetes Service`, `shell commands`. */
  what: string;
}

/** A heading as the import read it: the kind of section it opens, and whether its words said so. */
export interface OutlineHeading {
  line: number;
  level: number;
  kind: SectionKind;
  /** False for a heading whose words name no range, cluster or section (it was read as prose). */
  recognised: boolean;
  /** True for a heading that is itself an entry: `##### Gitea: 30300`. */
  entry: boolean;
}

/** Numbers in prose that are no ports: IP addresses, versions, dates. */
const IP_ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}(?:[-/]\d{1,3})?\b/g;
const VERSION = /\bv?\d+(?:\.\d+)+\b/gi;
const MONTH_YEAR = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|\b(?:19|20)\d{2}-\d{2}\b/gi;
const MONTH_DATE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b/gi;

/**
 * What the import has gathered so far, shared by the readers of each document shape (headings,
 * lists, tables, fenced blocks): the drafts, and the account of every line.
 */
export class ImportState {
  readonly ranges = new Map<string, RangeDraft>();
  readonly clusters = new Map<string, ClusterDraft>();
  clusterTable = false;
  readonly services = new Map<string, ServiceDraft>();
  readonly reserved: ReservationDraft[] = [];
  readonly notes: string[] = [];
  readonly urls: UrlMention[] = [];
  /** What the cross-cluster examples say of the mesh: exports, links and the addresses themselves. */
  readonly mesh: MeshDraft = { exports: new Map(), links: new Map(), addresses: [] };
  readonly unplaced: UnplacedLine[] = [];
  readonly prose: number[] = [];
  readonly decisions: ImportDecision[] = [];
  readonly headings: HeadingContext[] = [];
  /** The last code comment seen in a cross-cluster block, which names what the URL under it reaches. */
  crossComment: string | undefined;
  /** Clusters whose address pattern the document states outright (a generated document does). */
  readonly statedPatterns = new Set<string>();
  readonly free: FreePortNote[] = [];
  readonly examples: DocumentExample[] = [];
  readonly outline: OutlineHeading[] = [];
  /** The document's first level-1 heading, its title. */
  title: { text: string; line: number } | undefined;
  /** Lines that open or close a fenced block. */
  readonly fenceLines = new Set<number>();
  /** The generated regions of a document that has portolan markers, by their marker lines. */
  readonly regions: { section: string; begin: number; end: number }[] = [];
  /** The service of the heading above (`##### Gitea: 30300`), which the paragraphs under it describe. */
  describing: ServiceDraft | undefined;

  constructor(
    readonly file: string,
    readonly lines: string[],
  ) {}

  context(): SectionContext {
    let kind: SectionKind = 'services';
    let range: string | null | undefined;
    let clusters: string[] | 'all' | undefined;
    let target: string | undefined;
    let source: string | undefined;
    let namespace: string | undefined;
    for (const heading of this.headings) {
      if (heading.namespace !== undefined) namespace = heading.namespace;
      if (heading.kind !== undefined) kind = heading.kind;
      if (heading.range !== undefined) range = heading.range;
      if (heading.clusters !== undefined) clusters = heading.clusters;
      if (heading.target !== undefined) target = heading.target;
      if (heading.source !== undefined) source = heading.source;
    }
    return { kind, ...(range !== undefined ? { range } : {}), ...(clusters !== undefined ? { clusters } : {}), ...(target !== undefined ? { target } : {}), ...(source !== undefined ? { source } : {}), ...(namespace !== undefined ? { namespace } : {}) };
  }

  /** The range a heading such as `AI Agents (30200-30299)` stands for: by name, by ports, or a new one. */
  rangeForHeading(text: string, spans: PortSpan[], line: number): string {
    const exact = this.ranges.get(text.trim()) ?? this.ranges.get(slugOf(text)) ?? this.ranges.get(rangeNameOf(text));
    if (exact) return exact.name;
    const key = spans.map(formatSpan).join(',');
    for (const range of this.ranges.values()) if (range.spans.map(formatSpan).join(',') === key) return range.name;
    return this.addRange({ name: rangeNameOf(text) || 'range', spans, description: text.trim() }, line);
  }

  addRange(range: RangeDraft, line: number): string {
    // A label with no letters or digits (`---`) names nothing: fall back to the range's first port.
    if (!range.name) range = { ...range, name: `range-${range.spans[0]?.from ?? line}` };
    const existing = this.ranges.get(range.name);
    if (existing && existing.spans.map(formatSpan).join() === range.spans.map(formatSpan).join()) return existing.name;
    const name = existing ? this.freeName(range.name, this.ranges) : range.name;
    if (existing) this.decisions.push({ line, message: `a second range is called ${range.name}; this one is named ${name}` });
    this.ranges.set(name, { ...range, name });
    return name;
  }

  clusterList(names: string[] | 'all', line: number): string[] | 'all' {
    return names === 'all' ? 'all' : [...new Set(names.map((name) => this.clusterNamed(name, line)))];
  }

  /** The name of a cluster already seen that the document calls `word` (its name or title). */
  knownCluster(word: string): string | undefined {
    const lower = word.toLowerCase();
    for (const cluster of this.clusters.values()) {
      if (cluster.name === lower || cluster.title?.toLowerCase() === lower) return cluster.name;
    }
    return undefined;
  }

  /** The registry name of a cluster the document calls `word`; a cluster it has not seen is added. */
  clusterNamed(word: string, line: number): string {
    const known = this.knownCluster(word);
    if (known) return known;
    const name = slugOf(word) || 'cluster';
    const existing = this.clusters.get(name);
    if (existing) return existing.name;
    if (this.clusterTable) this.decisions.push({ line, message: `cluster ${name} is not in the clusters table; it is added` });
    this.clusters.set(name, { name, ...(word !== name ? { title: word } : {}) });
    return name;
  }

  /** Prose is listed as prose; a line with a port-like number in it is listed as not placed. */
  proseOrUnplaced(number: number, line: string, reason: string): void {
    const withoutNoise = line.replace(URL_PATTERN, ' ').replace(MONTH_DATE, ' ').replace(IP_ADDRESS, ' ').replace(VERSION, ' ').replace(MONTH_YEAR, ' ').replace(/^\s*(?:#+|[-*+]|\d+[.)])\s/, ' ');
    const digits = /\b\d{2,5}\b/.exec(withoutNoise);
    if (digits) this.unplace(number, line, reason, digits.index);
    else this.prose.push(number);
  }

  unplace(number: number, line: string, reason: string, column?: number): void {
    const at = column ?? Math.max(0, line.search(/\S/));
    this.unplaced.push({ line: number, column: at + 1, text: line.trim(), reason });
  }

  statusFrom(service: ServiceDraft, note: string): void {
    const status = statusIn(note);
    if (status) service.status = status;
    const replacement = replacementIn(note);
    if (replacement) service.replacement = replacement;
  }

  /**
   * Adds a service, or joins it to one of the same name: listed again for other clusters with
   * the same ports it gains those clusters; with other numbers, it gains overrides. Anything
   * else is a second service, named apart, so that `check` can report the pair.
   */
  addService(service: ServiceDraft): void {
    const existing = this.services.get(service.name);
    if (!existing) {
      this.services.set(service.name, service);
      return;
    }
    const samePortNames = portNames(existing) === portNames(service);
    const separate = existing.clusters !== 'all' && service.clusters !== 'all' && !service.clusters.some((c) => (existing.clusters as string[]).includes(c));
    const sameRange = existing.range === service.range;
    if (samePortNames && sameRange && separate) {
      const clusters = service.clusters as string[];
      for (const port of service.ports) {
        const target = existing.ports.find((p) => p.name === port.name)!;
        for (const cluster of clusters) if (port.port !== target.port) target.overrides.set(cluster, port.port);
        for (const [cluster, number] of port.overrides) target.overrides.set(cluster, number);
      }
      existing.clusters = [...(existing.clusters as string[]), ...clusters];
      return;
    }
    if (this.mergeListing(existing, service)) return;
    const name = this.freeName(service.range ? `${service.name}-${service.range}` : service.name, this.services);
    this.decisions.push({ line: service.line, message: `service ${service.name} is listed again (line ${existing.line}); this entry is named ${name}` });
    this.services.set(name, { ...service, name });
  }

  /**
   * The same service listed a second time (a quick-reference table, a per-namespace table): same
   * range and clusters, no other namespace, and the same ports or the same stated namespace. The
   * second listing adds what the first lacked; true when it was merged.
   */
  private mergeListing(existing: ServiceDraft, service: ServiceDraft): boolean {
    const clusters = (draft: ServiceDraft) => (draft.clusters === 'all' ? 'all' : [...draft.clusters].sort().join(','));
    if (existing.range !== service.range || clusters(existing) !== clusters(service)) return false;
    if (existing.namespace !== undefined && service.namespace !== undefined && existing.namespace !== service.namespace) return false;
    const key = (port: PortDraft) => `${port.port}/${port.protocol ?? 'TCP'}`;
    const known = new Set(existing.ports.map(key));
    const samePorts = service.ports.every((port) => known.has(key(port)));
    if (!samePorts && (existing.namespace === undefined || existing.namespace !== service.namespace)) return false;
    for (const port of service.ports) if (!known.has(key(port))) existing.ports.push(port);
    if (existing.namespace === undefined && service.namespace !== undefined) existing.namespace = service.namespace;
    if (existing.title === undefined && service.title !== undefined) existing.title = service.title;
    for (const note of service.notes) if (!existing.notes.includes(note)) existing.notes.push(note);
    const how = samePorts ? 'with the same ports' : `in the same namespace (${service.namespace})`;
    this.decisions.push({ line: service.line, message: `service ${service.name} is listed again (line ${existing.line}) ${how}; the listings are merged into one service` });
    return true;
  }

  /** Notes ports the document says are free; they become `docs.free`, never a service. */
  addFree(spans: PortSpan[], note: string, line: number): void {
    this.free.push({ spans, note, line });
  }

  freeName(base: string, taken: Map<string, unknown>): string {
    const stem = base.slice(0, 60).replace(/-+$/, '');
    if (!taken.has(stem)) return stem;
    for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
  }

  clustersCell(text: string, line: number): string[] | 'all' {
    const words = plainText(text).split(/\s*(?:,|\/|&|\band\b)\s*/).filter(Boolean);
    if (words.length === 0 || words.some((w) => /^(all|every|any|all clusters|-)$/i.test(w))) return 'all';
    return this.clusterList(words, line);
  }

  rangeFromCell(text: string, line: number): string {
    const spans = spansOf(text);
    if (spans) return this.rangeForHeading(text, spans, line);
    const named = this.ranges.get(text) ?? this.ranges.get(slugOf(text)) ?? this.ranges.get(rangeNameOf(text));
    return named?.name ?? slugOf(text);
  }
}

function portNames(service: ServiceDraft): string {
  return service.ports.map((p) => p.name ?? '').sort().join(',');
}

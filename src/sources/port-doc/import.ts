import { formatSpan } from '../../core/span.ts';
import type { PortSpan } from '../../core/types.ts';
import type { RegistryDocument } from '../../registry/schema.ts';
import { registryDocumentOf, type ClusterDraft, type PortDraft, type RangeDraft, type ReservationDraft, type ServiceDraft } from './drafts.ts';
import { repairEncoding, type EncodingRepair } from './encoding.ts';
import { entryOf, exposureOf, notAPort, rangeLineOf, serviceCellOf, sharedPrefix, type Entry } from './entries.ts';
import { cellsOf, fenceOf, headingOf, isTableRow, isTableSeparator, plainText, portOf, protocolOf, slugOf, spansOf } from './markdown.ts';
import {
  clustersIn,
  rangeNameOf,
  replacementIn,
  sectionOf,
  sentence,
  statusIn,
  titleAddsNothing,
  titleAndAside,
  type SectionKind,
} from './phrases.ts';

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

/** What importing a port document gives: the registry, and an account of every line. */
export interface PortDocumentImport {
  registry: RegistryDocument;
  /** Lines that look like port data but were not placed. */
  unplaced: UnplacedLine[];
  /** Lines of prose that hold no ports (title, overview, links), left out on purpose. */
  prose: number[];
  repairs: EncodingRepair[];
  decisions: ImportDecision[];
}

/** The name the import gives the one cluster of a document that names none. */
export const DEFAULT_CLUSTER = 'default';

/** What the headings above a line say about it. */
interface HeadingContext {
  level: number;
  kind?: SectionKind;
  /** A range name, or null for "no range". */
  range?: string | null;
  clusters?: string[] | 'all';
  /** For cross-cluster access: the cluster reached. */
  target?: string;
}

/** A comment line in a code block and the entries under it. */
interface EntryGroup {
  comment?: { text: string; line: number };
  entries: Entry[];
}

/** A URL found in the document: a cross-cluster address, resolved once every service is known. */
interface UrlMention {
  url: string;
  line: number;
  column: number;
  text: string;
  target?: string;
  comment?: string;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s"'`<>)\]]+/g;
const MONTH_DATE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b/gi;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/;

/**
 * Reads a hand-written (or generated) port document into a registry document: tables of ranges,
 * services and clusters, `name: port  # comment` blocks, headings that carry a range or a
 * cluster, the allocation rules and cross-cluster URLs. Every other line is accounted for.
 */
export function importPortDocument(file: string, text: string): PortDocumentImport {
  const { text: repaired, repairs } = repairEncoding(text.replace(/\r\n?/g, '\n'));
  const reader = new PortDocumentReader(file, repaired.split('\n'));
  reader.read();
  return { ...reader.result(), repairs };
}

class PortDocumentReader {
  readonly ranges = new Map<string, RangeDraft>();
  readonly clusters = new Map<string, ClusterDraft>();
  private clusterTable = false;
  readonly services = new Map<string, ServiceDraft>();
  readonly reserved: ReservationDraft[] = [];
  readonly notes: string[] = [];
  private readonly urls: UrlMention[] = [];
  private readonly unplaced: UnplacedLine[] = [];
  private readonly prose: number[] = [];
  private readonly decisions: ImportDecision[] = [];
  private readonly headings: HeadingContext[] = [];
  /** The last code comment seen in a cross-cluster block, which names what the URL under it reaches. */
  private crossComment: string | undefined;
  /** Clusters whose address pattern the document states outright (a generated document does). */
  private readonly statedPatterns = new Set<string>();

  constructor(
    readonly file: string,
    private readonly lines: string[],
  ) {}

  read(): void {
    const { lines } = this;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const fence = fenceOf(line);
      if (fence) {
        let end = i + 1;
        while (end < lines.length && !closesFence(lines[end]!, fence.marker)) end++;
        this.codeBlock(i + 1, lines.slice(i + 1, end));
        i = end;
        continue;
      }
      if (isTableRow(line)) {
        let end = i;
        while (end + 1 < lines.length && isTableRow(lines[end + 1]!)) end++;
        this.table(i + 1, lines.slice(i, end + 1));
        i = end;
        continue;
      }
      const heading = headingOf(line);
      if (heading) this.heading(heading.level, heading.text, i + 1);
      else if (line.trim() !== '') this.textLine(line, i + 1);
    }
  }

  result(): Omit<PortDocumentImport, 'repairs'> {
    this.resolveUrls();
    this.resolveReplacements();
    if (!this.clusterTable) this.productionFromNotes();
    if (this.clusters.size === 0) {
      this.clusters.set(DEFAULT_CLUSTER, { name: DEFAULT_CLUSTER, notes: 'The document names no cluster.' });
      this.decisions.push({ line: 1, message: `the document names no cluster, so its services run in one cluster called "${DEFAULT_CLUSTER}"` });
    }
    this.unplaced.sort((a, b) => a.line - b.line || a.column - b.column);
    return {
      registry: registryDocumentOf(this),
      unplaced: this.unplaced,
      prose: [...new Set(this.prose)].sort((a, b) => a - b),
      decisions: this.decisions.sort((a, b) => a.line - b.line),
    };
  }

  private context(): { kind: SectionKind; range?: string | null; clusters?: string[] | 'all'; target?: string } {
    let kind: SectionKind = 'services';
    let range: string | null | undefined;
    let clusters: string[] | 'all' | undefined;
    let target: string | undefined;
    for (const heading of this.headings) {
      if (heading.kind !== undefined) kind = heading.kind;
      if (heading.range !== undefined) range = heading.range;
      if (heading.clusters !== undefined) clusters = heading.clusters;
      if (heading.target !== undefined) target = heading.target;
    }
    return { kind, ...(range !== undefined ? { range } : {}), ...(clusters !== undefined ? { clusters } : {}), ...(target !== undefined ? { target } : {}) };
  }

  private heading(level: number, raw: string, line: number): void {
    while (this.headings.length > 0 && this.headings[this.headings.length - 1]!.level >= level) this.headings.pop();
    const parent = this.context().kind;
    const text = plainText(raw);
    const context: HeadingContext = { level };
    this.crossComment = undefined;
    const ranged = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(text);
    const spans = ranged ? spansOf(ranged[2]!) : undefined;
    const undefinedRange = /^(.+?)\s*\(undefined range\)$/.exec(text);
    if (parent === 'cross' && level > 1) {
      // "From Studio to Forge", "From any cluster to Big Data": the cluster reached.
      const reached = /\bto\s+(?:the\s+)?(.+?)(?:\s+clusters?)?$/i.exec(text)?.[1];
      const known = reached === undefined ? undefined : this.knownCluster(reached);
      const target = known ?? /^[A-Za-z][\w-]*/.exec(reached ?? '')?.[0];
      if (target) context.target = known ?? this.clusterNamed(target, line);
      else this.prose.push(line);
    } else if (ranged && spans) {
      const phrase = clustersIn(ranged[1]!);
      const name = phrase ? titleAndAside(ranged[1]!, phrase.phrase).title : ranged[1]!;
      context.kind = 'services';
      context.range = this.rangeForHeading(name, spans, line);
      if (phrase) context.clusters = this.clusterList(phrase.names, line);
    } else if (undefinedRange) {
      context.kind = 'services';
      context.range = undefinedRange[1]!.trim();
    } else if (/^(no range|other services|without a range|unranged)\b/i.test(text)) {
      context.kind = 'services';
      context.range = null;
    } else {
      const kind = sectionOf(text);
      const known = this.knownClusterList(text);
      const phrase = known === undefined && (kind === undefined || kind === 'services') ? clustersIn(text) : undefined;
      if (known) {
        context.kind = 'services';
        context.clusters = known;
      } else if (phrase) {
        context.kind = 'services';
        context.clusters = this.clusterList(phrase.names, line);
      } else if (kind === undefined && parent === 'clusters' && level > 1 && /^[A-Za-z][\w-]*$/.test(text)) {
        context.kind = 'services';
        context.clusters = [this.clusterNamed(text, line)];
      } else if (kind !== undefined) {
        context.kind = kind;
      } else this.proseOrUnplaced(line, raw, 'a heading that names no range, cluster or section');
    }
    this.headings.push(context);
  }

  /** The range a heading such as `AI Agents (30200-30299)` stands for: by name, by ports, or a new one. */
  private rangeForHeading(text: string, spans: PortSpan[], line: number): string {
    const exact = this.ranges.get(text.trim()) ?? this.ranges.get(slugOf(text)) ?? this.ranges.get(rangeNameOf(text));
    if (exact) return exact.name;
    const key = spans.map(formatSpan).join(',');
    for (const range of this.ranges.values()) if (range.spans.map(formatSpan).join(',') === key) return range.name;
    return this.addRange({ name: rangeNameOf(text) || 'range', spans, description: text.trim() }, line);
  }

  private addRange(range: RangeDraft, line: number): string {
    // A label with no letters or digits (`---`) names nothing: fall back to the range's first port.
    if (!range.name) range = { ...range, name: `range-${range.spans[0]?.from ?? line}` };
    const existing = this.ranges.get(range.name);
    if (existing && existing.spans.map(formatSpan).join() === range.spans.map(formatSpan).join()) return existing.name;
    const name = existing ? this.freeName(range.name, this.ranges) : range.name;
    if (existing) this.decisions.push({ line, message: `a second range is called ${range.name}; this one is named ${name}` });
    this.ranges.set(name, { ...range, name });
    return name;
  }

  private clusterList(names: string[] | 'all', line: number): string[] | 'all' {
    return names === 'all' ? 'all' : [...new Set(names.map((name) => this.clusterNamed(name, line)))];
  }

  /** The name of a cluster already seen that the document calls `word` (its name or title). */
  private knownCluster(word: string): string | undefined {
    const lower = word.toLowerCase();
    for (const cluster of this.clusters.values()) {
      if (cluster.name === lower || cluster.title?.toLowerCase() === lower) return cluster.name;
    }
    return undefined;
  }

  /** `Forge Zone and Studio clusters`: clusters already seen, named by title or name; undefined unless all are. */
  private knownClusterList(text: string): string[] | undefined {
    const list = /^(.+?)\s+clusters?$/i.exec(text)?.[1];
    if (list === undefined) return undefined;
    const names = list.split(/\s*,\s*|\s+and\s+/).map((word) => this.knownCluster(word));
    return names.every((name) => name !== undefined) ? [...new Set(names as string[])] : undefined;
  }

  /** The registry name of a cluster the document calls `word`; a cluster it has not seen is added. */
  private clusterNamed(word: string, line: number): string {
    const known = this.knownCluster(word);
    if (known) return known;
    const name = slugOf(word) || 'cluster';
    const existing = this.clusters.get(name);
    if (existing) return existing.name;
    if (this.clusterTable) this.decisions.push({ line, message: `cluster ${name} is not in the clusters table; it is added` });
    this.clusters.set(name, { name, ...(word !== name ? { title: word } : {}) });
    return name;
  }

  private productionFromNotes(): void {
    for (const note of this.notes) {
      if (!/\bproduction\b/i.test(note)) continue;
      for (const cluster of this.clusters.values()) {
        const names = [cluster.name, cluster.title].filter((n): n is string => n !== undefined).map(escapeRegExp);
        if (new RegExp(`\\b(${names.join('|')})\\b`, 'i').test(note)) cluster.production = true;
      }
    }
  }

  private textLine(line: string, number: number): void {
    const { kind } = this.context();
    const item = LIST_ITEM.exec(line);
    switch (kind) {
      case 'findings':
      case 'prose':
        this.prose.push(number);
        return;
      case 'rules':
        if (item) this.notes.push(plainText(item[1]!));
        else if (/^\s{2,}\S/.test(line) && this.notes.length > 0) this.notes[this.notes.length - 1] += ` ${plainText(line)}`;
        else this.prose.push(number);
        return;
      case 'cross':
        if (!this.statePattern(line) && !this.mentionUrls(line, number)) this.proseOrUnplaced(number, line, 'a line of cross-cluster access without a URL');
        return;
      case 'reserved': {
        const reservation = /^\s*(?:[-*+]\s+)?([\d\s,–—-]+?)\s*(?::|\s[-–—]\s)\s*(.+)$/.exec(line);
        const spans = reservation ? spansOf(reservation[1]!) : undefined;
        if (reservation && spans) this.reserved.push({ spans, reason: plainText(reservation[2]!), clusters: [] });
        else this.proseOrUnplaced(number, line, 'not `PORTS: reason`');
        return;
      }
      default: {
        const entry = entryOf(plainText(line), line, number) ?? rangeLineOf(plainText(line), line, number);
        if (entry) this.entries({ entries: [entry] });
        else if (!this.mentionUrls(line, number)) this.proseOrUnplaced(number, line, notAPort(line) ?? 'not `name: port`');
      }
    }
  }

  /** Prose is listed as prose; a line with a port-like number in it is listed as not placed. */
  private proseOrUnplaced(number: number, line: string, reason: string): void {
    const withoutNoise = line.replace(URL_PATTERN, ' ').replace(MONTH_DATE, ' ').replace(/^\s*(?:#+|[-*+]|\d+[.)])\s/, ' ');
    const digits = /\b\d{2,5}\b/.exec(withoutNoise);
    if (digits) this.unplace(number, line, reason, digits.index);
    else this.prose.push(number);
  }

  private unplace(number: number, line: string, reason: string, column?: number): void {
    const at = column ?? Math.max(0, line.search(/\S/));
    this.unplaced.push({ line: number, column: at + 1, text: line.trim(), reason });
  }

  private codeBlock(start: number, body: string[]): void {
    const { kind } = this.context();
    let group: EntryGroup = { entries: [] };
    // A cluster named by one comment holds for the groups under it until another comment names one.
    let clusters: string[] | 'all' | undefined;
    const flush = () => {
      if (group.entries.length > 0) clusters = this.entries(group, clusters);
      else if (group.comment) this.groupCommentOnly(group.comment);
      group = { entries: [] };
    };
    body.forEach((line, index) => {
      const number = start + index + 1;
      const comment = /^\s*(?:#|\/\/)\s*(.*)$/.exec(line)?.[1];
      if (kind === 'findings' || kind === 'prose' || kind === 'rules') {
        if (line.trim()) this.prose.push(number);
        return;
      }
      if (kind === 'cross') {
        if (comment !== undefined) this.crossComment = comment;
        else if (line.trim() && !this.mentionUrls(line, number)) this.prose.push(number);
        return;
      }
      if (line.trim() === '') return flush();
      if (comment !== undefined) {
        flush();
        group.comment = { text: comment, line: number };
        return;
      }
      const entry = entryOf(line, line, number) ?? rangeLineOf(line, line, number);
      if (entry) group.entries.push(entry);
      else if (!this.mentionUrls(line, number)) this.unplace(number, line, notAPort(line) ?? 'not `name: port  # comment`');
    });
    flush();
  }

  /** A comment with nothing under it names nothing; it is prose unless it holds a port. */
  private groupCommentOnly(comment: { text: string; line: number }): void {
    this.proseOrUnplaced(comment.line, comment.text, 'a comment with no entries under it');
  }

  /** Turns the entries of a block (or one plain line) into services, ranges and reservations. */
  private entries(group: EntryGroup, inherited?: string[] | 'all'): string[] | 'all' | undefined {
    const context = this.context();
    const phrase = group.comment ? clustersIn(group.comment.text) : undefined;
    const named = phrase ? this.clusterList(phrase.names, group.comment!.line) : inherited;
    const clusters = named ?? context.clusters ?? 'all';
    const { title, aside } = group.comment ? titleAndAside(group.comment.text, phrase?.phrase) : { title: '' };
    const services: Entry[] = [];
    for (const entry of group.entries) {
      if (entry.spans && entry.port === undefined) {
        if (context.kind === 'reserved') this.reserved.push({ spans: entry.spans, reason: entry.comment ?? entry.label, clusters: clusters === 'all' ? [] : clusters });
        else this.addRange({ name: rangeNameOf(entry.label), spans: entry.spans, ...(entry.comment ? { description: `${entry.label} (${entry.comment})` } : { description: entry.label }) }, entry.line);
      } else if (context.kind === 'reserved') {
        this.reserved.push({ spans: [{ from: entry.port!, to: entry.port! }], reason: entry.comment ?? entry.label, clusters: clusters === 'all' ? [] : clusters });
      } else services.push(entry);
    }
    if (services.length === 0) return named;
    const range = context.range ?? undefined;
    const prefix = group.comment && services.length >= 2 ? sharedPrefix(services.map((e) => slugOf(e.label))) : undefined;
    const titleSlug = slugOf(title);
    if (prefix && titleSlug && (titleSlug === prefix || titleSlug.startsWith(`${prefix}-`))) {
      const name = this.services.has(prefix) ? (this.services.has(titleSlug) ? this.freeName(titleSlug, this.services) : titleSlug) : prefix;
      const service: ServiceDraft = {
        name,
        ...(titleAddsNothing(title, name) ? {} : { title }),
        ...(range !== undefined ? { range } : {}),
        clusters: clusters === 'all' ? 'all' : [...clusters],
        notes: aside ? [sentence(aside)] : [],
        ports: services.map((entry) => ({
          name: slugOf(entry.label).slice(prefix.length + 1),
          port: entry.port!,
          ...(entry.protocol ? { protocol: entry.protocol } : {}),
          overrides: new Map(),
          ...(entry.comment ? { notes: entry.comment } : {}),
        })),
        line: group.comment!.line,
      };
      // A port's marker ("# deprecated") speaks for the service only when every port says the same.
      const markers = new Set(services.map((entry) => (entry.comment ? statusIn(entry.comment) : undefined)));
      const [marker] = markers;
      if (markers.size === 1 && marker !== undefined) service.status = marker;
      this.addService(service);
      return named;
    }
    const groupNote = title || aside ? sentence([title, aside ? `(${aside})` : ''].filter(Boolean).join(' ')) : undefined;
    for (const entry of services) {
      const name = slugOf(entry.label) || 'service';
      const entryTitle = plainText(entry.label);
      const service: ServiceDraft = {
        name,
        ...(titleAddsNothing(entryTitle, name) ? {} : { title: entryTitle }),
        ...(range !== undefined ? { range } : {}),
        clusters: clusters === 'all' ? 'all' : [...clusters],
        notes: [...(groupNote ? [groupNote] : []), ...(entry.comment ? [entry.comment] : [])],
        ports: [{ port: entry.port!, ...(entry.protocol ? { protocol: entry.protocol } : {}), overrides: new Map() }],
        line: entry.line,
      };
      if (entry.comment) this.statusFrom(service, entry.comment);
      this.addService(service);
    }
    return named;
  }

  private statusFrom(service: ServiceDraft, note: string): void {
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
  private addService(service: ServiceDraft): void {
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
    const name = this.freeName(service.range ? `${service.name}-${service.range}` : service.name, this.services);
    this.decisions.push({ line: service.line, message: `service ${service.name} is listed again (line ${existing.line}); this entry is named ${name}` });
    this.services.set(name, { ...service, name });
  }

  private freeName(base: string, taken: Map<string, unknown>): string {
    const stem = base.slice(0, 60).replace(/-+$/, '');
    if (!taken.has(stem)) return stem;
    for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
  }

  private table(start: number, rows: string[]): void {
    const { kind } = this.context();
    if (rows.length < 2 || !isTableSeparator(rows[1]!)) {
      rows.forEach((row, i) => this.proseOrUnplaced(start + i, row, 'a table row outside a table with a header'));
      return;
    }
    const headers = cellsOf(rows[0]!).map((h) => plainText(h).toLowerCase());
    const column = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
    const body = rows.slice(2).map((row, i) => ({ cells: cellsOf(row), line: start + 2 + i, text: row }));
    const columns = {
      service: column(/^(services?|names?|apps?|applications?|components?|workloads?)$/),
      port: column(/^((node ?)?ports?|port ?(number|#)?)$/),
      range: column(/^range$/),
      ports: column(/^(ports|port range|span|spans)$/),
      cluster: column(/^clusters?$/),
    };
    if (kind === 'findings' || (headers.includes('rule') && headers.includes('severity'))) {
      for (let i = 0; i < rows.length; i++) this.prose.push(start + i);
      return;
    }
    if (kind === 'prose' || kind === 'rules' || kind === 'cross') {
      rows.forEach((row, i) => this.proseOrUnplaced(start + i, row, `a table in a section that holds no ports`));
      return;
    }
    if (columns.cluster === 0 && columns.port < 0 && columns.ports < 0) return this.clustersTable(headers, body);
    if (columns.service >= 0 && columns.port >= 0) return this.servicesTable(headers, body, columns.service, columns.port);
    if (headers.some((h) => /^reason$/.test(h)) || kind === 'reserved') return this.reservedTable(headers, body);
    if (columns.range >= 0 || columns.ports >= 0) return this.rangesTable(headers, body);
    for (const row of body) this.unplace(row.line, row.text, `a table whose columns (${headers.join(', ')}) name no ports`);
  }

  private rangesTable(headers: string[], body: TableRow[]): void {
    const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
    const portsColumn = at(/^(ports|port range|span|spans)$/);
    const spansColumn = portsColumn >= 0 ? portsColumn : at(/^range$/);
    const nameColumn = portsColumn >= 0 && at(/^range$/) >= 0 ? at(/^range$/) : at(/^(name|id)$/);
    const purpose = at(/^(purpose|description|use|used for|what)$/);
    const examples = at(/^examples?$/);
    for (const row of body) {
      const spans = spansOf(row.cells[spansColumn] ?? '');
      if (!spans) {
        this.unplace(row.line, row.text, `"${row.cells[spansColumn] ?? ''}" is not a port or span of ports`);
        continue;
      }
      const purposeText = purpose >= 0 ? plainText(row.cells[purpose] ?? '') : '';
      const examplesText = examples >= 0 ? plainText(row.cells[examples] ?? '') : '';
      const written = nameColumn >= 0 ? plainText(row.cells[nameColumn] ?? '') : '';
      const name = (written && slugOf(written)) || rangeNameOf(purposeText) || `range-${spans[0]!.from}`;
      const description = purposeText ? (examplesText ? `${purposeText} (${examplesText})` : purposeText) : undefined;
      this.addRange({ name, spans, ...(description ? { description } : {}) }, row.line);
    }
  }

  private clustersTable(headers: string[], body: TableRow[]): void {
    this.clusterTable = true;
    const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
    const [title, production, nodePorts, url, notes] = [at(/^title$/), at(/^production$/), at(/^node ?port range$/), at(/cross|url|address/), at(/^notes?$/)];
    for (const row of body) {
      const name = slugOf(plainText(row.cells[0] ?? ''));
      if (!name) {
        this.unplace(row.line, row.text, 'a cluster row without a name');
        continue;
      }
      const value = (column: number) => (column >= 0 ? plainText(row.cells[column] ?? '') : '');
      const span = value(nodePorts) ? spansOf(value(nodePorts)) : undefined;
      this.clusters.set(name, {
        name,
        ...(value(title) ? { title: value(title) } : {}),
        ...(/^(yes|true|✓|✔|x)$/i.test(value(production)) ? { production: true } : {}),
        ...(span && span.length === 1 && formatSpan(span[0]!) !== '30000-32767' ? { nodePortRange: formatSpan(span[0]!) } : {}),
        ...(value(url) && value(url) !== '-' ? { crossClusterUrl: value(url) } : {}),
        ...(value(notes) ? { notes: value(notes) } : {}),
      });
      if (value(url) && value(url) !== '-') this.statedPatterns.add(name);
    }
  }

  private reservedTable(headers: string[], body: TableRow[]): void {
    const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
    const ports = Math.max(at(/^(ports?|range|port range|spans?)$/), 0);
    const clusters = at(/^clusters?$/);
    const reason = at(/^(reason|why|notes?|purpose)$/);
    for (const row of body) {
      const spans = spansOf(row.cells[ports] ?? '');
      const because = reason >= 0 ? plainText(row.cells[reason] ?? '') : '';
      if (!spans || !because) {
        this.unplace(row.line, row.text, spans ? 'a reservation without a reason' : `"${row.cells[ports] ?? ''}" is not a port or span of ports`);
        continue;
      }
      const named = clusters >= 0 ? this.clustersCell(row.cells[clusters] ?? '', row.line) : 'all';
      this.reserved.push({ spans, reason: because, clusters: named === 'all' ? [] : named });
    }
  }

  private clustersCell(text: string, line: number): string[] | 'all' {
    const words = plainText(text).split(/\s*(?:,|\/|&|\band\b)\s*/).filter(Boolean);
    if (words.length === 0 || words.some((w) => /^(all|every|any|all clusters|-)$/i.test(w))) return 'all';
    return this.clusterList(words, line);
  }

  private servicesTable(headers: string[], body: TableRow[], serviceColumn: number, portColumn: number): void {
    const context = this.context();
    const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
    const columns = {
      protocol: at(/^proto(col)?$/),
      exposure: at(/^(exposure|type|service type)$/),
      clusters: at(/^clusters?$/),
      range: at(/^range$/),
      status: at(/^status$/),
      namespace: at(/^namespace$/),
      owner: at(/^(owner|team)$/),
      notes: at(/^(notes?|description|comments?)$/),
    };
    const value = (row: TableRow, column: number) => (column >= 0 ? plainText(row.cells[column] ?? '') : '');
    let current: ServiceDraft | undefined;
    const drafts: ServiceDraft[] = [];
    for (const row of body) {
      const serviceCell = (row.cells[serviceColumn] ?? '').trim();
      const portCell = plainText(row.cells[portColumn] ?? '');
      const port = portCell ? this.portCell(portCell, value(row, columns.protocol), row) : undefined;
      if (portCell && !port) continue;
      if (serviceCell === '' || serviceCell === '"' || serviceCell === '〃') {
        if (!current || !port) {
          this.unplace(row.line, row.text, current ? 'a row with neither service nor port' : 'a port row under no service');
          continue;
        }
        if (value(row, columns.notes)) port.notes = value(row, columns.notes);
        current.ports.push(port);
        continue;
      }
      const { name, title } = serviceCellOf(serviceCell);
      if (!name) {
        this.unplace(row.line, row.text, `"${serviceCell}" gives no service name`);
        continue;
      }
      const rangeText = value(row, columns.range);
      const range = rangeText ? this.rangeFromCell(rangeText, row.line) : context.range ?? undefined;
      const status = value(row, columns.status);
      const exposure = exposureOf(value(row, columns.exposure));
      const namespace = slugOf(value(row, columns.namespace));
      current = {
        name,
        ...(title && !titleAddsNothing(title, name) ? { title } : {}),
        ...(range !== undefined ? { range } : {}),
        ...(namespace ? { namespace } : {}),
        ...(exposure ? { exposure } : {}),
        ...(value(row, columns.owner) ? { owner: value(row, columns.owner) } : {}),
        clusters: columns.clusters >= 0 ? this.clustersCell(row.cells[columns.clusters] ?? '', row.line) : context.clusters ?? 'all',
        notes: value(row, columns.notes) ? [value(row, columns.notes)] : [],
        ports: port ? [port] : [],
        line: row.line,
      };
      const notes = value(row, columns.notes);
      if (status || notes) this.statusFrom(current, status || notes);
      const replacedBy = /replaced by\s+`([^`]+)`/i.exec(row.cells[columns.status] ?? '')?.[1];
      if (replacedBy) current.replacedBy = replacedBy;
      drafts.push(current);
    }
    for (const draft of drafts) {
      if (draft.ports.length === 0) this.unplace(draft.line, this.lines[draft.line - 1]!, `service ${draft.name} has no port`);
      else this.addService(draft);
    }
  }

  /** Reads `30100`, `30100/UDP`, `api: 30210`, `30100 (studio: 30190)`; a bad cell is listed as not placed. */
  private portCell(text: string, protocolText: string, row: TableRow): PortDraft | undefined {
    const match = /^(?:([a-z0-9][-a-z0-9]*)\s*:\s*)?(\d+)(?:\s*\/\s*(\w+))?(?:\s*\(([^)]*)\))?$/i.exec(text.trim());
    const port = match ? portOf(match[2]!) : undefined;
    const protocol = protocolOf(match?.[3] ?? '') ?? protocolOf(protocolText);
    if (!match || port === undefined || (match[3] && !protocolOf(match[3]))) {
      this.unplace(row.line, row.text, `"${text}" is not a port (1-65535), \`name: port\` or \`port (cluster: port)\``);
      return undefined;
    }
    const overrides = new Map<string, number>();
    for (const part of (match[4] ?? '').split(',').filter((p) => p.trim())) {
      const override = /^\s*([\w-]+)\s*:\s*(\d+)\s*$/.exec(part);
      const number = override ? portOf(override[2]!) : undefined;
      if (!override || number === undefined) {
        this.unplace(row.line, row.text, `"${part.trim()}" is not \`cluster: port\``);
        return undefined;
      }
      overrides.set(this.clusterNamed(override[1]!, row.line), number);
    }
    return { ...(match[1] ? { name: match[1].toLowerCase() } : {}), port, ...(protocol ? { protocol } : {}), overrides };
  }

  private rangeFromCell(text: string, line: number): string {
    const spans = spansOf(text);
    if (spans) return this.rangeForHeading(text, spans, line);
    const named = this.ranges.get(text) ?? this.ranges.get(slugOf(text)) ?? this.ranges.get(rangeNameOf(text));
    return named?.name ?? slugOf(text);
  }

  private mentionUrls(line: string, number: number): boolean {
    const { target } = this.context();
    let found = false;
    for (const match of line.matchAll(URL_PATTERN)) {
      found = true;
      this.urls.push({
        url: match[0].replace(/[.,;:]+$/, ''),
        line: number,
        column: match.index + 1,
        text: line.trim(),
        ...(target !== undefined ? { target } : {}),
        ...(this.crossComment !== undefined ? { comment: this.crossComment } : {}),
      });
    }
    return found;
  }

  /** `Address pattern: \`http://{service}.{namespace}.svc.studio.remote:{port}\`` under a "to Studio" heading. */
  private statePattern(line: string): boolean {
    const pattern = /`([^`]*\{service\}[^`]*)`/.exec(line)?.[1];
    const { target } = this.context();
    if (!pattern || !target) return false;
    this.clusters.get(target)!.crossClusterUrl = pattern;
    this.statedPatterns.add(target);
    return true;
  }

  private resolveUrls(): void {
    for (const mention of this.urls) {
      let url: URL;
      try {
        url = new URL(mention.url);
      } catch {
        this.unplace(mention.line, mention.text, `"${mention.url}" is not a URL`, mention.column - 1);
        continue;
      }
      const labels = url.hostname.split('.');
      const service = this.serviceCalled(labels[0]!);
      if (!service) {
        this.unplace(mention.line, mention.text, `the URL names no service of the document ("${labels[0]}")`, mention.column - 1);
        continue;
      }
      const cluster =
        mention.target ??
        labels.slice(1).find((label) => this.clusters.has(label)) ??
        [...this.clusters.values()].find((c) => mention.comment && new RegExp(`\\bon\\s+${escapeRegExp(c.title ?? c.name)}\\b`, 'i').test(mention.comment))?.name;
      if (!cluster) {
        this.unplace(mention.line, mention.text, 'the URL names no cluster of the document', mention.column - 1);
        continue;
      }
      if (this.statedPatterns.has(cluster)) continue;
      const inNamespace = labels[2] === 'svc' && slugOf(labels[1]!) === labels[1];
      if (inNamespace && service.namespace === undefined) service.namespace = labels[1]!;
      const host = labels.map((label, i) => (i === 0 ? '{service}' : i === 1 && inNamespace ? '{namespace}' : label)).join('.');
      const pattern = `${url.protocol}//${host}:{port}`;
      const draft = this.clusters.get(cluster)!;
      if (draft.crossClusterUrl === undefined) draft.crossClusterUrl = pattern;
      else if (draft.crossClusterUrl !== pattern) {
        this.decisions.push({ line: mention.line, message: `another address pattern for ${cluster} (${pattern}); the first one (${draft.crossClusterUrl}) is kept` });
      }
      const port = url.port ? Number(url.port) : undefined;
      const registered = service.ports.map((p) => p.overrides.get(cluster) ?? p.port);
      if (port !== undefined && !registered.includes(port)) {
        service.notes.push(`The document reaches it from other clusters at ${mention.url}: port ${port}, not ${registered.join(', ')}.`);
        this.decisions.push({ line: mention.line, message: `${mention.url} uses port ${port}, but ${service.name} is registered with ${registered.join(', ')}; kept as a note` });
      }
    }
  }

  private serviceCalled(label: string): ServiceDraft | undefined {
    const lower = label.toLowerCase();
    return this.services.get(lower) ?? [...this.services.values()].find((s) => s.title !== undefined && slugOf(s.title) === lower);
  }

  private resolveReplacements(): void {
    for (const service of this.services.values()) {
      if (service.replacedBy !== undefined || service.replacement === undefined) continue;
      const words = service.replacement.split(/\s+/);
      for (let count = Math.min(words.length, 5); count > 0; count--) {
        const candidate = slugOf(words.slice(0, count).join(' '));
        if (candidate !== service.name && this.services.has(candidate)) {
          service.replacedBy = candidate;
          break;
        }
      }
    }
  }
}

interface TableRow {
  cells: string[];
  line: number;
  text: string;
}

function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(marker) && new RegExp(`^\\${marker[0]}+$`).test(trimmed);
}

function portNames(service: ServiceDraft): string {
  return service.ports.map((p) => p.name ?? '').sort().join(',');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

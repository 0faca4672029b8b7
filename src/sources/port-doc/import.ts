import { DEFAULT_DOCS_TITLE, markerOf, type ProseBlock } from '../../core/docs.ts';
import type { RegistryDocument } from '../../registry/schema.ts';
import { registryDocumentOf } from './drafts.ts';
import { repairEncoding, type EncodingRepair } from './encoding.ts';
import { readCodeBlock } from './fenced.ts';
import { readHeading } from './headings.ts';
import { readTextLine } from './lists.ts';
import { closesFence, fencedLines, fenceOf, headingOf, isTableRow, slugOf } from './markdown.ts';
import { documentLayout, proseBlocks, type DocumentPart } from './layout.ts';
import { ImportState, type DocumentExample, type FreePortNote, type ImportDecision, type UnplacedLine } from './reader.ts';
import { readTable } from './tables.ts';
import { escapeRegExp, resolveUrls } from './urls.ts';

export type { DocumentExample, FreePortNote, ImportDecision, UnplacedLine } from './reader.ts';
export type { DocumentPart } from './layout.ts';

/** What importing a port document gives: the registry, and an account of every line. */
export interface PortDocumentImport {
  registry: RegistryDocument;
  /** Lines that look like port data but were not placed. */
  unplaced: UnplacedLine[];
  /** Lines of prose that hold no ports (title, overview, links), left out on purpose. */
  prose: number[];
  repairs: EncodingRepair[];
  decisions: ImportDecision[];
  /** Ports the document said were free: notes for `docs.free`, never services. */
  free: FreePortNote[];
  /** Blocks the document shows as examples (a Kubernetes Service, shell commands), left out. */
  examples: DocumentExample[];
  /** The document's title (unless it is the default one) and its prose, as `docs:` settings keep them. */
  settings: { title?: string; prose: ProseBlock[] };
  /** The document cut into title, prose and the parts Portolan owns, for `docs --adopt`. */
  layout: DocumentPart[];
}

/** The name the import gives the one cluster of a document that names none. */
export const DEFAULT_CLUSTER = 'default';

/**
 * Reads a hand-written (or generated) port document into a registry document: tables of ranges,
 * services and clusters, `name: port  # comment` blocks, headings that carry a range or a
 * cluster, the allocation rules and cross-cluster URLs. Every other line is accounted for.
 */
export function importPortDocument(file: string, text: string): PortDocumentImport {
  const { text: repaired, repairs } = repairEncoding(text.replace(/\r\n?/g, '\n'));
  const state = new ImportState(file, repaired.split('\n'));
  readDocument(state);
  return { ...result(state), repairs };
}

/** Hands each block of the document to the reader of its shape. */
function readDocument(state: ImportState): void {
  const { lines } = state;
  // A generated document: only its regions are Portolan's; the rest is the team's prose.
  const fenced = fencedLines(lines);
  const marked = lines.some((line, i) => {
    const marker = fenced[i] ? undefined : markerOf(line);
    return marker !== undefined && 'begin' in marker;
  });
  let region: { section: string; begin: number; end: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = markerOf(line);
    if (marker) {
      if (region) state.regions.push({ ...region, end: 'begin' in marker ? i : i + 1 });
      region = 'begin' in marker ? { section: marker.begin, begin: i + 1, end: lines.length } : undefined;
      state.headings.length = 0;
      continue;
    }
    if (marked && region === undefined) {
      const heading = headingOf(line);
      if (heading?.level === 1 && state.title === undefined) state.title = { text: heading.text.trim(), line: i + 1 };
      else if (line.trim() !== '') state.prose.push(i + 1);
      continue;
    }
    if (region?.section === 'notice') {
      if (line.trim() !== '') state.prose.push(i + 1);
      continue;
    }
    const fence = fenceOf(line);
    if (fence) {
      let end = i + 1;
      while (end < lines.length && !closesFence(lines[end]!, fence.marker)) end++;
      state.fenceLines.add(i + 1).add(end + 1);
      readCodeBlock(state, i + 1, lines.slice(i + 1, end), fence.info);
      i = end;
      continue;
    }
    if (isTableRow(line)) {
      let end = i;
      while (end + 1 < lines.length && isTableRow(lines[end + 1]!)) end++;
      readTable(state, i + 1, lines.slice(i, end + 1));
      i = end;
      continue;
    }
    const heading = headingOf(line);
    if (heading) readHeading(state, heading.level, heading.text, i + 1);
    else if (line.trim() !== '') readTextLine(state, line, i + 1);
  }
  if (region) state.regions.push(region);
}

/** The registry and the account of the document, once every line is read. */
function result(state: ImportState): Omit<PortDocumentImport, 'repairs'> {
  resolveUrls(state);
  resolveReplacements(state);
  if (!state.clusterTable) productionFromNotes(state);
  if (state.clusters.size === 0) {
    state.clusters.set(DEFAULT_CLUSTER, { name: DEFAULT_CLUSTER, notes: 'The document names no cluster.' });
    state.decisions.push({ line: 1, message: `the document names no cluster, so its services run in one cluster called "${DEFAULT_CLUSTER}"` });
  }
  state.unplaced.sort((a, b) => a.line - b.line || a.column - b.column);
  const registry = registryDocumentOf(state);
  // A document that plans no ranges has no ad-hoc ports to warn about: every port would be one.
  if (state.ranges.size === 0 && state.services.size > 0) {
    registry.rules = { 'unreserved-port': 'off' };
    state.decisions.push({ line: 1, message: 'the document plans no port ranges, so the registry turns unreserved-port off' });
  }
  const layout = documentLayout(state);
  const title = state.title?.text;
  return {
    registry,
    unplaced: state.unplaced,
    prose: [...new Set(state.prose)].sort((a, b) => a - b),
    decisions: state.decisions.sort((a, b) => a.line - b.line),
    free: state.free,
    examples: state.examples,
    settings: { ...(title !== undefined && title !== DEFAULT_DOCS_TITLE ? { title } : {}), prose: proseBlocks(state, layout) },
    layout,
  };
}

function productionFromNotes(state: ImportState): void {
  for (const note of state.notes) {
    if (!/\bproduction\b/i.test(note)) continue;
    for (const cluster of state.clusters.values()) {
      const names = [cluster.name, cluster.title].filter((n): n is string => n !== undefined).map(escapeRegExp);
      if (new RegExp(`\\b(${names.join('|')})\\b`, 'i').test(note)) cluster.production = true;
    }
  }
}

function resolveReplacements(state: ImportState): void {
  for (const service of state.services.values()) {
    if (service.replacedBy !== undefined || service.replacement === undefined) continue;
    const words = service.replacement.split(/\s+/);
    for (let count = Math.min(words.length, 5); count > 0; count--) {
      const candidate = slugOf(words.slice(0, count).join(' '));
      if (candidate !== service.name && state.services.has(candidate)) {
        service.replacedBy = candidate;
        break;
      }
    }
  }
}

import type { RegistryDocument } from '../../registry/schema.ts';
import { registryDocumentOf } from './drafts.ts';
import { repairEncoding, type EncodingRepair } from './encoding.ts';
import { closesFence, readCodeBlock } from './fenced.ts';
import { readHeading } from './headings.ts';
import { readTextLine } from './lists.ts';
import { fenceOf, headingOf, isTableRow, slugOf } from './markdown.ts';
import { ImportState, type ImportDecision, type UnplacedLine } from './reader.ts';
import { readTable } from './tables.ts';
import { escapeRegExp, resolveUrls } from './urls.ts';

export type { ImportDecision, UnplacedLine } from './reader.ts';

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
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = fenceOf(line);
    if (fence) {
      let end = i + 1;
      while (end < lines.length && !closesFence(lines[end]!, fence.marker)) end++;
      readCodeBlock(state, i + 1, lines.slice(i + 1, end));
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
}

function result(state: ImportState): Omit<PortDocumentImport, 'repairs'> {
  resolveUrls(state);
  resolveReplacements(state);
  if (!state.clusterTable) productionFromNotes(state);
  if (state.clusters.size === 0) {
    state.clusters.set(DEFAULT_CLUSTER, { name: DEFAULT_CLUSTER, notes: 'The document names no cluster.' });
    state.decisions.push({ line: 1, message: `the document names no cluster, so its services run in one cluster called "${DEFAULT_CLUSTER}"` });
  }
  state.unplaced.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    registry: registryDocumentOf(state),
    unplaced: state.unplaced,
    prose: [...new Set(state.prose)].sort((a, b) => a - b),
    decisions: state.decisions.sort((a, b) => a.line - b.line),
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

import { entryOf, type Entry } from './entries.ts';
import { placeEntries } from './lists.ts';
import { fenceOf, headingOf, isStruck, isTableRow, plainText, slugOf, spansOf, struckComment } from './markdown.ts';
import { clustersIn, sectionOf, titleAndAside, type SectionKind } from './phrases.ts';
import type { HeadingContext, ImportState } from './reader.ts';

/** A heading: the section, range or clusters it opens for the lines under it. */
export function readHeading(state: ImportState, level: number, raw: string, line: number): void {
  while (state.headings.length > 0 && state.headings[state.headings.length - 1]!.level >= level) state.headings.pop();
  const parent = state.context().kind;
  state.describing = undefined;
  const text = plainText(raw);
  const context: HeadingContext = { level };
  state.crossComment = undefined;
  const ranged = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(text);
  const written = ranged ? spansOf(ranged[2]!) : undefined;
  // `#### Grafana (30300)` with nothing under it that a range would hold: a service, not a range of one port.
  const spans = written && !(!(level === 1 && state.title === undefined) && parent === 'services' && isOnePort(written) && !holdsEntries(state, line, level)) ? written : undefined;
  const undefinedRange = /^(.+?)\s*\(undefined range\)$/.exec(text);
  const namespace = namespaceOf(text);
  // The first level-1 heading is the document's title; any other heading may be an entry.
  const isTitle = level === 1 && state.title === undefined;
  const entry = (ranged && spans) || isTitle ? undefined : headingEntry(text, raw, line, parent);
  let heldEntry: Entry | undefined;
  let recognised = true;
  if (isTitle) state.title = { text: raw.trim(), line };
  if (parent === 'cross' && level > 1) {
    // "From Studio to Forge", "From any cluster to Big Data": the cluster reached.
    const reached = /\bto\s+(?:the\s+)?(.+?)(?:\s+clusters?)?$/i.exec(text)?.[1];
    const known = reached === undefined ? undefined : state.knownCluster(reached);
    const target = known ?? /^[A-Za-z][\w-]*/.exec(reached ?? '')?.[0];
    // "From Studio to Forge", "From Forge" (a generated document): the cluster the addresses are used from.
    const from = /^from\s+(?:the\s+)?(.+?)(?:\s+clusters?)?(?:\s+to\b.*)?$/i.exec(text)?.[1];
    const source = from === undefined || /^(any|all|every|other)\b/i.test(from) ? undefined : state.knownCluster(from);
    if (target) context.target = known ?? state.clusterNamed(target, line);
    else if (source === undefined) state.prose.push(line);
    if (source !== undefined && source !== context.target) context.source = source;
  } else if (ranged && spans) {
    const phrase = clustersIn(ranged[1]!);
    const name = phrase ? titleAndAside(ranged[1]!, phrase.phrase).title : ranged[1]!;
    context.kind = 'services';
    context.range = state.rangeForHeading(name, spans, line);
    if (phrase) context.clusters = state.clusterList(phrase.names, line);
  } else if (undefinedRange) {
    context.kind = 'services';
    context.range = undefinedRange[1]!.trim();
  } else if (/^(no range|other services|without a range|unranged)\b/i.test(text)) {
    context.kind = 'services';
    context.range = null;
  } else if (namespace) {
    context.kind = 'services';
    context.namespace = namespace;
  } else if (entry) {
    heldEntry = entry;
  } else {
    const kind = sectionOf(text);
    const known = knownClusterList(state, text);
    const phrase = known === undefined && (kind === undefined || kind === 'services') ? clustersIn(text) : undefined;
    if (known) {
      context.kind = 'services';
      context.clusters = known;
    } else if (phrase) {
      context.kind = 'services';
      context.clusters = state.clusterList(phrase.names, line);
    } else if (kind === undefined && parent === 'clusters' && level > 1 && /^[A-Za-z][\w-]*$/.test(text)) {
      context.kind = 'services';
      context.clusters = [state.clusterNamed(text, line)];
    } else if (kind !== undefined) {
      context.kind = kind;
    } else {
      recognised = false;
      if (isTitle) state.prose.push(line);
      else state.proseOrUnplaced(line, raw, 'a heading that names no range, cluster or section');
    }
  }
  state.headings.push(context);
  state.outline.push({ line, level, kind: state.context().kind, recognised, entry: heldEntry !== undefined });
  // `##### Gitea: 30300`: the heading is the entry, in the section above it; the paragraphs under it describe it.
  if (heldEntry) {
    placeEntries(state, { entries: [heldEntry] });
    state.describing = state.services.get(slugOf(heldEntry.label));
  }
}

/** `Namespace: monitoring`, `ns: ingress`, `monitoring namespace`: the namespace a heading names. */
function namespaceOf(text: string): string | undefined {
  const match = /^(?:namespace|ns)\s*[:=–—-]?\s*`?([a-z0-9][-a-z0-9]*)`?$/i.exec(text) ?? /^`?([a-z0-9][-a-z0-9]*)`?\s+namespace$/i.exec(text);
  return match ? slugOf(match[1]!) || undefined : undefined;
}

/**
 * A heading that is itself an entry (`Gitea: 30300`, `Vault: 30820 -> https`, `Drone - 30380`),
 * in a section of services; a year after a dash (`Phase 2 - 2024`) is no port.
 */
function headingEntry(text: string, raw: string, line: number, parent: SectionKind): Entry | undefined {
  if (parent !== 'services') return undefined;
  const entry = entryOf(text, raw, line);
  if (!entry || entry.port === undefined) return undefined;
  if (!/:/.test(text) && /^(?:19|20)\d{2}$/.test(String(entry.port))) return undefined;
  return isStruck(raw) ? { ...entry, comment: struckComment(entry.comment) } : entry;
}

/** `Forge Zone and Studio clusters`: clusters already seen, named by title or name; undefined unless all are. */
function knownClusterList(state: ImportState, text: string): string[] | undefined {
  const list = /^(.+?)\s+clusters?$/i.exec(text)?.[1];
  if (list === undefined) return undefined;
  const names = list.split(/\s*,\s*|\s+and\s+/).map((word) => state.knownCluster(word));
  return names.every((name) => name !== undefined) ? [...new Set(names as string[])] : undefined;
}

function isOnePort(spans: { from: number; to: number }[]): boolean {
  return spans.length === 1 && spans[0]!.from === spans[0]!.to;
}

/** True when the section a heading opens holds a table, a fenced block, an entry or a subsection. */
function holdsEntries(state: ImportState, line: number, level: number): boolean {
  for (let n = line; n < state.lines.length; n++) {
    const text = state.lines[n]!;
    const heading = headingOf(text);
    if (heading) return heading.level > level;
    if (isTableRow(text) || fenceOf(text) || entryOf(plainText(text), text, n + 1)) return true;
  }
  return false;
}

import { entryOf, notAPort, rangeLineOf, sharedPrefix, type Entry } from './entries.ts';
import { isStruck, plainText, slugOf, spansOf, struckComment } from './markdown.ts';
import type { PortDraft, ServiceDraft } from './drafts.ts';
import { clustersIn, rangeNameOf, removedIn, saysFree, sentence, statusIn, titleAddsNothing, titleAndAside } from './phrases.ts';
import type { ImportState } from './reader.ts';
import { mentionUrls, statePattern } from './urls.ts';

/** A comment line in a code block (or a heading) and the entries under it. */
export interface EntryGroup {
  comment?: { text: string; line: number };
  entries: Entry[];
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/;

/** A plain line or list item, read as its section says: an entry, a rule, a reservation, an address. */
export function readTextLine(state: ImportState, line: string, number: number): void {
  const { kind } = state.context();
  const item = LIST_ITEM.exec(line);
  switch (kind) {
    case 'findings':
    case 'prose':
      state.prose.push(number);
      return;
    case 'rules':
      if (item) state.notes.push(plainText(item[1]!));
      else if (/^\s{2,}\S/.test(line) && state.notes.length > 0) state.notes[state.notes.length - 1] += ` ${plainText(line)}`;
      else state.prose.push(number);
      return;
    case 'cross':
      if (!statePattern(state, line) && !mentionUrls(state, line, number)) state.proseOrUnplaced(number, line, 'a line of cross-cluster access without a URL');
      return;
    case 'reserved': {
      const reservation = /^\s*(?:[-*+]\s+)?([\d\s,–—-]+?)\s*(?::|\s[-–—]\s)\s*(.+)$/.exec(line);
      const spans = reservation ? spansOf(reservation[1]!) : undefined;
      if (reservation && spans) state.reserved.push({ spans, reason: plainText(reservation[2]!), clusters: [] });
      else state.proseOrUnplaced(number, line, 'not `PORTS: reason`');
      return;
    }
    case 'free': {
      const free = /^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:[^:\d]*:\s*)?(\d[\d\s,–—-]*?)\s*(?:\(([^)]*)\)|[-–—:]\s+.*)?$/.exec(plainText(line));
      const spans = free ? spansOf(free[1]!) : undefined;
      if (spans) state.addFree(spans, plainText(item?.[1] ?? line), number);
      else state.proseOrUnplaced(number, line, 'not a port or span of free ports');
      return;
    }
    default: {
      const entry = entryOf(plainText(line), line, number) ?? rangeLineOf(plainText(line), line, number);
      if (entry && isStruck(line) && entry.port !== undefined) entry.comment = struckComment(entry.comment);
      if (entry) placeEntries(state, { entries: [entry] });
      else if (state.describing && !item && !/https?:\/\//.test(line)) state.describing.notes.push(plainText(line));
      else if (!mentionUrls(state, line, number)) state.proseOrUnplaced(number, line, notAPort(line) ?? 'not `name: port`');
    }
  }
}

/** Turns the entries of a block (or one plain line) into services, ranges and reservations. */
export function placeEntries(state: ImportState, group: EntryGroup, inherited?: string[] | 'all'): string[] | 'all' | undefined {
  const context = state.context();
  const phrase = group.comment ? clustersIn(group.comment.text) : undefined;
  const named = phrase ? state.clusterList(phrase.names, group.comment!.line) : inherited;
  const clusters = named ?? context.clusters ?? 'all';
  const { title, aside } = group.comment ? titleAndAside(group.comment.text, phrase?.phrase) : { title: '' };
  const services: Entry[] = [];
  for (const entry of group.entries) {
    if (context.kind === 'free' || saysFree(entry.label)) {
      state.addFree(entry.spans ?? [{ from: entry.port!, to: entry.port! }], plainText(entry.text.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '')), entry.line);
    } else if (entry.comment && removedIn(entry.comment)) {
      state.decisions.push({ line: entry.line, message: `${entry.label} (${entry.port ?? ''}) is marked as removed ("${entry.comment}"); it is left out` });
    } else if (entry.spans && entry.port === undefined) {
      if (context.kind === 'reserved') state.reserved.push({ spans: entry.spans, reason: entry.comment ?? entry.label, clusters: clusters === 'all' ? [] : clusters });
      else state.addRange({ name: rangeNameOf(entry.label), spans: entry.spans, ...(entry.comment ? { description: `${entry.label} (${entry.comment})` } : { description: entry.label }) }, entry.line);
    } else if (context.kind === 'reserved') {
      state.reserved.push({ spans: [{ from: entry.port!, to: entry.port! }], reason: entry.comment ?? entry.label, clusters: clusters === 'all' ? [] : clusters });
    } else services.push(entry);
  }
  if (services.length === 0) return named;
  const range = context.range ?? undefined;
  const namespace = context.namespace;
  const prefix = group.comment && services.length >= 2 ? sharedPrefix(services.map((e) => slugOf(e.label))) : undefined;
  const titleSlug = slugOf(title);
  if (prefix && titleSlug && (titleSlug === prefix || titleSlug.startsWith(`${prefix}-`))) {
    const name = state.services.has(prefix) ? (state.services.has(titleSlug) ? state.freeName(titleSlug, state.services) : titleSlug) : prefix;
    const service: ServiceDraft = {
      name,
      ...(titleAddsNothing(title, name) ? {} : { title }),
      ...(range !== undefined ? { range } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
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
    state.addService(service);
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
      ...(namespace !== undefined ? { namespace } : {}),
      clusters: clusters === 'all' ? 'all' : [...clusters],
      notes: [...(groupNote ? [groupNote] : []), ...(entry.comment ? [entry.comment] : [])],
      ports: [targetedPort(entry)],
      line: entry.line,
    };
    if (entry.comment) state.statusFrom(service, entry.comment);
    state.addService(service);
  }
  return named;
}

/** `Vault: 30820 -> https`: the node port, named by the Service port it leads to; `-> 8200` is a note. */
function targetedPort(entry: Entry): PortDraft {
  const port: PortDraft = { port: entry.port!, ...(entry.protocol ? { protocol: entry.protocol } : {}), overrides: new Map() };
  if (entry.target === undefined) return port;
  if (/^\d+$/.test(entry.target)) return { ...port, notes: `Leads to port ${entry.target}.` };
  return { ...port, name: slugOf(entry.target) };
}

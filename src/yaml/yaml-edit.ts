import { isDeepStrictEqual } from 'node:util';
import jsYaml from 'js-yaml';
import { Document, isMap, isScalar, isSeq, parseAllDocuments, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { lineEndOf, toLf, withLineEnd } from '../core/line-ends.ts';
import type { YamlPath } from './yaml-source.ts';

/** One change to a YAML file, by path: set (or add) a value, delete a key or item, append to a list. */
export type YamlEdit =
  | { op: 'set'; path: YamlPath; value: unknown; /** When the key is new, put it after this sibling key. */ after?: string }
  | { op: 'delete'; path: YamlPath }
  | { op: 'append'; path: YamlPath; value: unknown };

/** A replacement of the text between two offsets. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/** An edit the text splicer does not handle; the whole document is then rewritten by the yaml library. */
class NotSpliceable extends Error {}

/**
 * Applies edits to the `document`-th YAML document of `text` as a person would: only the lines
 * that change are touched, and every other byte (comments, blank lines, quoting, key order,
 * indentation) stays as it was. The result is checked by parsing it again; where a plain splice
 * cannot express an edit, the yaml library's Document rewrites the file, which keeps comments
 * but may reformat some lines. The file's line ends (`\n`, `\r\n` or `\r`) are kept.
 */
export function editYaml(text: string, edits: readonly YamlEdit[], document = 0): string {
  if (edits.length === 0) return text;
  // The editors work on `\n` lines; a file with Windows or classic Mac line ends keeps its own.
  const eol = lineEndOf(text);
  if (eol !== '\n') return withLineEnd(editYaml(toLf(text), edits, document), eol);
  if (document === 0 && text.length >= ENTRY_EDIT_MIN_CHARS) {
    const byEntries = editByEntries(text, edits);
    if (byEntries !== undefined) return byEntries.text;
  }
  return editWhole(text, edits, document);
}

/**
 * From this size on, a file is edited entry by entry: only the lines of the entries an edit
 * touches go through the yaml library's Document parser, which reads about 1 MB/s, and only
 * those entries are parsed again to check the result.
 */
const ENTRY_EDIT_MIN_CHARS = 256 * 1024;

function editWhole(text: string, edits: readonly YamlEdit[], document: number): string {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs) || docs[document] === undefined) throw new Error(`no YAML document ${document} to edit`);
  const doc = docs[document]!;
  const expected = jsYaml.loadAll(text) as unknown[];
  for (const edit of edits) expected[document] = applyToValue(expected[document], edit);
  try {
    const spliced = applySplices(text, edits.flatMap((edit, order) => splicesFor(text, doc, edit).map((splice) => ({ ...splice, order }))));
    if (isDeepStrictEqual(jsYaml.loadAll(spliced), expected)) return spliced;
  } catch (error) {
    if (!(error instanceof NotSpliceable)) throw error;
  }
  for (const edit of edits) applyToDocument(doc, edit);
  const rewritten = docs.map((d) => d.toString({ lineWidth: 0 })).join('');
  if (!isDeepStrictEqual(jsYaml.loadAll(rewritten), expected)) throw new Error('editing the YAML file gave another value than intended');
  return rewritten;
}

function applySplices(text: string, splices: (Splice & { order: number })[]): string {
  splices.sort((a, b) => b.start - a.start || b.order - a.order);
  let result = text;
  let limit = Infinity;
  for (const splice of splices) {
    if (splice.end > limit) throw new NotSpliceable('edits overlap');
    result = result.slice(0, splice.start) + splice.text + result.slice(splice.end);
    limit = splice.start;
  }
  return result;
}

function splicesFor(text: string, doc: Document, edit: YamlEdit): Splice[] {
  switch (edit.op) {
    case 'set':
      return doc.hasIn(edit.path) ? replaceValue(text, doc, edit.path, edit.value) : addKey(text, doc, edit.path, edit.value, edit.after);
    case 'delete':
      return deleteEntry(text, doc, edit.path);
    case 'append': {
      const list = doc.getIn(edit.path, true);
      if (list === undefined) return addKey(text, doc, edit.path, [edit.value]);
      if (!isSeq(list)) throw new NotSpliceable('not a list');
      return appendItem(text, list, edit.value);
    }
  }
}

function replaceValue(text: string, doc: Document, path: YamlPath, value: unknown): Splice[] {
  const node = doc.getIn(path, true) as Node | null;
  if (!node?.range) throw new NotSpliceable('no node');
  const [start, end] = node.range;
  if (isScalar(node)) {
    if (isObject(value)) throw new NotSpliceable('scalar to collection');
    if (start === end) {
      // An empty value (`nodePort:` and nothing, or a comment): write it just after the colon.
      const colon = text.lastIndexOf(':', start);
      if (colon < 0 || text.slice(colon + 1, start).trim() !== '') throw new NotSpliceable('no colon');
      return [{ start: colon + 1, end: colon + 1, text: ` ${scalarText(value, undefined)}` }];
    }
    return [{ start, end, text: scalarText(value, node.type) }];
  }
  if ((isMap(node) || isSeq(node)) && node.flow) return [{ start, end, text: flowText(value) }];
  throw new NotSpliceable('block collection');
}

function addKey(text: string, doc: Document, path: YamlPath, value: unknown, after?: string): Splice[] {
  // Find the deepest mapping on the path that exists; the rest of the path becomes nested keys.
  let depth = path.length - 1;
  while (depth > 0 && !doc.hasIn(path.slice(0, depth))) depth--;
  const parent = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
  let nested = value;
  for (let i = path.length - 1; i > depth; i--) nested = { [String(path[i])]: nested };
  const key = String(path[depth]);
  if (!isMap(parent) || parent.items.length === 0 || !parent.range) throw new NotSpliceable('no mapping to add to');
  if (parent.flow) {
    return [{ start: parent.range[0], end: parent.range[1], text: flowText({ ...(parent.toJSON() as object), [key]: nested }) }];
  }
  const anchor = (after !== undefined && depth === path.length - 1 ? parent.items.find((pair) => keyOf(pair) === after) : undefined) ?? parent.items[parent.items.length - 1]!;
  const column = columnOf(text, (anchor.key as Node).range![0]);
  const at = pastDeeperComments(text, endOfLine(text, pairEnd(anchor)), column);
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return [{ start: at, end: at, text: lead + indent(blockText({ [key]: nested }, indentStep(text, parent)), column) }];
}

function deleteEntry(text: string, doc: Document, path: YamlPath): Splice[] {
  const parent = doc.getIn(path.slice(0, -1), true) ?? (path.length === 1 ? doc.contents : undefined);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => keyOf(p) === String(last));
    if (!pair) return [];
    if (parent.flow) {
      const rest = { ...(parent.toJSON() as Record<string, unknown>) };
      delete rest[String(last)];
      return [{ start: parent.range![0], end: parent.range![1], text: flowText(rest) }];
    }
    if (parent.items.length === 1) throw new NotSpliceable('last key');
    return [wholeLines(text, (pair.key as Node).range![0], pairEnd(pair), /^ *$/)];
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last] as Node | undefined;
    if (!item?.range) return [];
    if (parent.flow) {
      const rest = (parent.toJSON() as unknown[]).filter((_, i) => i !== last);
      return [{ start: parent.range![0], end: parent.range![1], text: flowText(rest) }];
    }
    if (parent.items.length === 1) throw new NotSpliceable('last item');
    return [wholeLines(text, item.range[0], item.range[1], /^ *- *$/)];
  }
  throw new NotSpliceable('no parent');
}

function appendItem(text: string, list: YAMLSeq, value: unknown): Splice[] {
  if (!list.range) throw new NotSpliceable('no range');
  if (list.flow) return [{ start: list.range[0], end: list.range[1], text: flowText([...(list.toJSON() as unknown[]), value]) }];
  const last = list.items[list.items.length - 1] as Node | undefined;
  if (!last?.range) throw new NotSpliceable('empty list');
  const lineStart = text.lastIndexOf('\n', last.range[0] - 1) + 1;
  const dash = text.indexOf('-', lineStart);
  if (dash < 0 || dash >= last.range[0]) throw new NotSpliceable('no dash');
  const at = endOfLine(text, last.range[1]);
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return [{ start: at, end: at, text: lead + indent(blockText([value], 2), dash - lineStart) }];
}

/** The lines from the one holding `start` to the one holding `end`, when what precedes `start` on its line matches `prefix`. */
function wholeLines(text: string, start: number, end: number, prefix: RegExp): Splice {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (!prefix.test(text.slice(lineStart, start))) throw new NotSpliceable('shares its line');
  return { start: lineStart, end: endOfLine(text, end), text: '' };
}

function pairEnd(pair: Pair): number {
  const value = pair.value as Node | null;
  return value?.range ? value.range[1] : (pair.key as Node).range![1];
}

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

/** The offset just after the line holding `offset - 1` ends (after its comment and newline). */
function endOfLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/** Skips the comment lines at `offset` indented deeper than `column`: they end the entry above. */
function pastDeeperComments(text: string, offset: number, column: number): number {
  const comment = /( *)#[^\n]*(\n|$)/y;
  for (;;) {
    comment.lastIndex = offset;
    const match = comment.exec(text);
    if (!match || match[1]!.length <= column || match[0].length === 0) return offset;
    offset += match[0].length;
  }
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** How far the file indents a nested mapping, from the first one below `map`; 2 when it has none. */
function indentStep(text: string, map: YAMLMap): number {
  for (const pair of map.items) {
    const value = pair.value;
    if (isMap(value) && !value.flow && value.items[0]) {
      const step = columnOf(text, (value.items[0].key as Node).range![0]) - columnOf(text, (pair.key as Node).range![0]);
      if (step > 0) return step;
    }
  }
  return 2;
}

function indent(block: string, column: number): string {
  const pad = ' '.repeat(column);
  return block.replace(/^(?=.)/gm, pad);
}

/** Block YAML for a new entry; lists of plain values are written inline, as `clusters: [forge, pro]`. */
function blockText(value: unknown, step: number): string {
  const doc = new Document(value);
  flowShortLists(doc.contents);
  return doc.toString({ indent: step, lineWidth: 0, flowCollectionPadding: false });
}

function flowShortLists(node: unknown): void {
  if (isSeq(node)) {
    if (node.items.every((item) => isScalar(item))) node.flow = true;
    else for (const item of node.items) flowShortLists(item);
  } else if (isMap(node)) {
    for (const pair of node.items) flowShortLists(pair.value);
  }
}

function flowText(value: unknown): string {
  const doc = new Document(value);
  if (isMap(doc.contents) || isSeq(doc.contents)) doc.contents.flow = true;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: isMap(doc.contents) }).trimEnd();
}

function scalarText(value: unknown, type: string | undefined): string {
  if (typeof value === 'string' && type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (typeof value === 'string' && type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return new Document(value).toString({ lineWidth: 0 }).trimEnd();
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** The lines of one entry (or one top-level key's block), edited on their own, with the edits relative to it. */
interface EntryWindow {
  start: number;
  end: number;
  edits: YamlEdit[];
  /** The indentation of the entry's key: 0 for a top-level key, the mapping's for one of its entries. */
  column: number;
  /** The keys already written at that indentation, which an edit must not write twice. */
  siblings: ReadonlySet<string>;
  /** The top-level block the window lies in, when it is one entry of it; undefined for a whole block. */
  block?: TopLevelBlock;
  /** The entry goes as a whole (its lines are cut). */
  remove?: boolean;
}

/** A top-level key's lines: from its key line to the next top-level key. */
interface TopLevelBlock {
  key: string;
  start: number;
  /** Just after the key's own line, where its entries begin. */
  body: number;
  end: number;
}

/** The edited text and, when it was edited entry by entry, the file with only the entries that changed. */
export interface EditedYaml {
  text: string;
  /**
   * The edited file without the entries of its top-level mappings that no edit touched: every
   * other top-level key and the edited entries as they now read. Parsing it checks what changed
   * without reading the whole file again; its line numbers are not the file's.
   */
  excerpt?: string;
}

/**
 * Like editYaml, and says which part of the result is new: a large single-document file is edited
 * entry by entry, and each edited entry is checked on its own, so the result comes with an excerpt
 * that holds only those entries. The top-level keys in `leaveOut` are left out of the excerpt
 * whole when no edit touches them (nothing else in the file refers to their entries). With
 * `byEntries`, a file of any size is edited entry by entry when its shape allows it (a server
 * that edits the same file many times over).
 */
export function editYamlWithExcerpt(text: string, edits: readonly YamlEdit[], options: { leaveOut?: readonly string[]; byEntries?: boolean } = {}): EditedYaml {
  if (edits.length === 0) return { text };
  const eol = lineEndOf(text);
  const lf = eol === '\n' ? text : toLf(text);
  const byEntries = lf.length >= ENTRY_EDIT_MIN_CHARS || options.byEntries === true ? editByEntries(lf, edits, options.leaveOut ?? []) : undefined;
  if (byEntries) return { text: eol === '\n' ? byEntries.text : withLineEnd(byEntries.text, eol), excerpt: byEntries.excerpt };
  return { text: editYaml(text, edits) };
}

/** The text of `top`'s entry `child` (a top-level mapping's entry), cut out on its own; undefined when the file's shape does not allow it. */
export function entryText(text: string, top: string, child: string): string | undefined {
  const lf = toLf(text);
  const block = topLevelBlocks(lf)?.get(top);
  if (!block) return undefined;
  const entry = childEntries(lf, block.body, block.end)?.find((e) => e.key === child);
  return entry ? lf.slice(entry.start, entry.end) : undefined;
}

/**
 * Edits a large single-document file by cutting out the touched entries; undefined when its shape
 * does not allow it. Each window is edited and checked on its own (parsed before and after, the
 * values compared), and the edited lines must stay where they were: at the entry's indentation,
 * with no key written twice. The rest of the file is not parsed again.
 */
function editByEntries(text: string, edits: readonly YamlEdit[], leaveOut: readonly string[] = []): { text: string; excerpt: string } | undefined {
  const layout = layoutOf(text);
  if (!layout) return undefined;
  const { blocks } = layout;
  const windows: EntryWindow[] = [];
  for (const edit of edits) {
    const found = entryWindow(layout, edit);
    if (!found) return undefined;
    const same = windows.find((w) => w.start === found.start && w.end === found.end);
    if (same) {
      if (same.remove || found.remove) return undefined;
      same.edits.push(...found.edits);
    } else windows.push(found);
  }
  windows.sort((a, b) => a.start - b.start);
  const pieces: string[] = [];
  const excerpt: string[] = [];
  let at = 0;
  let excerptAt = 0;
  try {
    for (const window of windows) {
      if (window.start < at) return undefined;
      const entry = text.slice(window.start, window.end);
      // An anchored entry may be used elsewhere through its aliases: only the whole file can tell.
      if (/(^|[\s[{,])&[^\s]/.test(entry)) return undefined;
      const lead = window.start > 0 && window.start === text.length && !text.endsWith('\n') ? '\n' : '';
      const edited = window.remove ? '' : entry === '' ? blockText(window.edits.reduce<unknown>(applyToValue, {}), 2) : editWhole(entry, window.edits, 0);
      if (!window.remove && !staysInPlace(entry, edited, window, window.end === text.length)) return undefined;
      pieces.push(text.slice(at, window.start), lead, edited);
      at = window.end;
      // The excerpt keeps the file up to this window, less the untouched entries of the block it lies in.
      if (window.block) {
        if (excerptAt < window.block.start) {
          // A block whose edits only cut entries leaves nothing to check: it is left out, key and all.
          const kept = windows.some((w) => w.block === window.block && !w.remove);
          excerpt.push(text.slice(excerptAt, kept ? window.block.body : window.block.start));
        }
        excerptAt = Math.max(excerptAt, window.block.body);
        excerpt.push(edited);
        excerptAt = window.end;
        const next = windows[windows.indexOf(window) + 1];
        if (!next || next.block !== window.block) excerptAt = window.block.end;
      } else {
        excerpt.push(text.slice(excerptAt, window.start), lead, edited);
        excerptAt = window.end;
      }
    }
  } catch {
    return undefined;
  }
  pieces.push(text.slice(at));
  excerpt.push(text.slice(excerptAt));
  const edited = pieces.join('');
  lastLayout = windows.length === 1 ? shiftedLayout(layout, windows[0]!, edited) : undefined;
  let excerptText = excerpt.join('');
  for (const key of leaveOut) {
    const block = blocks.get(key);
    if (!block || windows.some((w) => w.block === block || (w.start >= block.start && w.end <= block.end && w.start < w.end))) continue;
    // Untouched, the block is in the excerpt as it is in the file: cut it by its own text.
    excerptText = excerptText.replace(text.slice(block.start, block.end), '');
  }
  return { text: edited, excerpt: excerptText };
}

/** A child entry of a top-level mapping: its key and its lines. */
interface ChildEntry {
  key: string;
  start: number;
  end: number;
}

/** Where a file's top-level blocks lie and, once asked for, each block's entries. */
interface Layout {
  text: string;
  blocks: Map<string, TopLevelBlock>;
  entries: Map<string, { list: ChildEntry[]; byKey: Map<string, ChildEntry>; keys: ReadonlySet<string> } | undefined>;
}

/**
 * The layout of the file edited last, kept with the edited text: a server edits its registry many
 * times over, each edit one entry, and finding the entries again would read the whole file each time.
 */
let lastLayout: Layout | undefined;

/** The file's layout, when every line at column 0 is a plain key, a comment or blank; undefined for any other shape. */
function layoutOf(text: string): Layout | undefined {
  if (lastLayout?.text === text) return lastLayout;
  if (/^(---|\.\.\.|%)/m.test(text)) return undefined;
  const blocks = topLevelBlocks(text);
  return blocks ? { text, blocks, entries: new Map() } : undefined;
}

function entriesOf(layout: Layout, block: TopLevelBlock): { list: ChildEntry[]; byKey: Map<string, ChildEntry>; keys: ReadonlySet<string> } | undefined {
  if (!layout.entries.has(block.key)) {
    const list = childEntries(layout.text, block.body, block.end);
    const byKey = new Map<string, ChildEntry>();
    for (const e of list ?? []) if (!byKey.has(e.key)) byKey.set(e.key, e);
    layout.entries.set(block.key, list ? { list, byKey, keys: new Set(byKey.keys()) } : undefined);
  }
  return layout.entries.get(block.key);
}

/**
 * The layout of the text after one window was edited: the blocks after it moved by the change in
 * length, and the window's own entries found again in its edited lines alone. Undefined (found
 * again from the whole text next time) for any edit but an entry changed in place or added after one.
 */
function shiftedLayout(layout: Layout, window: EntryWindow, text: string): Layout | undefined {
  const block = window.block;
  const own = block ? layout.entries.get(block.key) : undefined;
  if (!block || !own || window.remove || window.start === window.end) return undefined;
  const delta = text.length - layout.text.length;
  const end = window.end + delta;
  const edited = childEntries(text, window.start, end);
  // The edited lines must end as an entry ends, on its own line, for the entries after to keep their bounds.
  if (!edited || edited.length === 0 || edited[edited.length - 1]!.end !== end || (end < text.length && text[end - 1] !== '\n')) return undefined;
  const blocks = new Map<string, TopLevelBlock>();
  for (const [key, b] of layout.blocks) {
    blocks.set(key, b.start >= window.end ? { ...b, start: b.start + delta, body: b.body + delta, end: b.end + delta } : b === block ? { ...b, end: b.end + delta } : b);
  }
  const list: ChildEntry[] = [];
  for (const e of own.list) if (e.end <= window.start) list.push(e);
  list.push(...edited);
  for (const e of own.list) if (e.start >= window.end) list.push({ key: e.key, start: e.start + delta, end: e.end + delta });
  const byKey = new Map(list.map((e) => [e.key, e]));
  if (byKey.size !== list.length) return undefined;
  // Blocks before the window keep their entries; those after would have to move: they are found again when asked for.
  const entries: Layout['entries'] = new Map([[block.key, { list, byKey, keys: new Set(byKey.keys()) }]]);
  for (const [key, kept] of layout.entries) if (key !== block.key && layout.blocks.get(key)!.end <= window.start) entries.set(key, kept);
  return { text, blocks, entries };
}

/**
 * Whether an edited window still reads as the same entry in the same place: each line at the
 * window's indentation or deeper, ending in a newline (unless at the end of the file), and no key
 * at that indentation that another entry already has.
 */
function staysInPlace(before: string, after: string, window: EntryWindow, atEnd: boolean): boolean {
  if (after !== '' && !after.endsWith('\n') && !atEnd) return false;
  const own = new Set(keysAt(before, window.column) ?? []);
  const keys = keysAt(after, window.column);
  if (!keys || keys.length === 0) return false;
  for (const key of keys) if (window.siblings.has(key) && !own.has(key)) return false;
  return new Set(keys).size === keys.length;
}

/** The plain keys written at `column` in `text`; undefined when a line is less indented, or one at `column` is not a plain key. */
function keysAt(text: string, column: number): string[] | undefined {
  const keys: string[] = [];
  for (const line of text.split('\n')) {
    const spaces = /^ */.exec(line)![0].length;
    if (spaces === line.length || line[spaces] === '#') continue;
    if (spaces < column) return undefined;
    if (spaces > column) continue;
    const key = /^([A-Za-z0-9_.\/-]+)[ \t]*:(?=[ \t]|$)/.exec(line.slice(spaces));
    if (!key) return undefined;
    keys.push(key[1]!);
  }
  return keys;
}

/**
 * The file's top-level keys and their lines, when every line at column 0 is a plain key, a comment
 * or blank, and no key comes twice; undefined for any other shape.
 */
function topLevelBlocks(text: string): Map<string, TopLevelBlock> | undefined {
  const blocks = new Map<string, TopLevelBlock>();
  let previous: TopLevelBlock | undefined;
  const key = /([A-Za-z0-9_.\/-]+)[ \t]*:(?=[ \t\n]|$)/y;
  for (let line = 0; line < text.length; line = endOfLine(text, line + 1)) {
    const first = text.charCodeAt(line);
    if (first === 32 || first === 10 || first === 35 /* # */) continue;
    key.lastIndex = line;
    const match = key.exec(text);
    if (!match || blocks.has(match[1]!)) return undefined;
    if (previous) previous.end = line;
    previous = { key: match[1]!, start: line, body: endOfLine(text, line + 1), end: text.length };
    blocks.set(previous.key, previous);
  }
  return blocks;
}

/** Where the entry an edit touches lies: a top-level key's block, or one entry of a top-level mapping. */
function entryWindow(layout: Layout, edit: YamlEdit): EntryWindow | undefined {
  const { text, blocks } = layout;
  const [top, child] = edit.path;
  if (typeof top !== 'string') return undefined;
  const block = blocks.get(top);
  if (!block) {
    // A new top-level key goes at the end of the file.
    return edit.op === 'delete' ? undefined : { start: text.length, end: text.length, edits: [edit], column: 0, siblings: new Set(blocks.keys()) };
  }
  const whole = (): EntryWindow => ({ start: block.start, end: block.end, edits: [edit], column: 0, siblings: new Set(blocks.keys()) });
  if (edit.path.length === 1 || typeof child !== 'string') return whole();
  const found = entriesOf(layout, block);
  if (!found || found.list.length === 0) return found ? whole() : undefined;
  const entries = found.list;
  const column = /^ */.exec(text.slice(entries[0]!.start, entries[0]!.start + 256))![0].length;
  const siblings = found.keys;
  const relative = (): YamlEdit => ({ ...edit, path: edit.path.slice(1) }) as YamlEdit;
  const entry = found.byKey.get(child);
  if (entry) {
    if (edit.op === 'delete' && edit.path.length === 2) {
      // The whole entry goes: its lines up to its last one with content; the blank and comment lines after it stay.
      if (entries.length === 1) return undefined;
      return { start: entry.start, end: lastContentEnd(text, entry.start, entry.end), edits: [edit], column, siblings, block, remove: true };
    }
    return { start: entry.start, end: entry.end, edits: [relative()], column, siblings, block };
  }
  if (edit.op === 'delete') return undefined;
  const after = edit.op === 'set' && edit.after !== undefined ? found.byKey.get(edit.after) : undefined;
  const anchor = after ?? entries[entries.length - 1]!;
  return { start: anchor.start, end: anchor.end, edits: [{ ...relative(), ...(edit.op === 'set' ? { after: anchor.key } : {}) } as YamlEdit], column, siblings, block };
}

/** The end of the last line between `start` and `end` that is neither blank nor a comment. */
function lastContentEnd(text: string, start: number, end: number): number {
  let last = start;
  for (let line = start; line < end; line = endOfLine(text, line + 1)) {
    if (/^ *([^ \n#]|$)/.exec(text.slice(line, line + 256))?.[1]) last = endOfLine(text, line + 1);
  }
  return Math.min(Math.max(last, endOfLine(text, start + 1)), end);
}

/** The entries of a block mapping between two offsets, by their plain keys; undefined for another shape. */
function childEntries(text: string, from: number, to: number): ChildEntry[] | undefined {
  const entries: ChildEntry[] = [];
  let indentation: number | undefined;
  const key = /([A-Za-z0-9_.\/-]+)[ \t]*:(?=[ \t\n]|$)/y;
  for (let line = from; line < to; line = endOfLine(text, line + 1)) {
    // Counted by hand, not by a pattern: a server edits files of thousands of nested lines many times over.
    let spaces = 0;
    while (text.charCodeAt(line + spaces) === 32) spaces++;
    const first = text.charCodeAt(line + spaces);
    if (Number.isNaN(first) || first === 10 || first === 35 /* # */ || (indentation !== undefined && spaces > indentation)) continue; // blank, comment or nested
    indentation ??= spaces;
    if (spaces !== indentation || indentation === 0) return undefined;
    key.lastIndex = line + spaces;
    const found = key.exec(text);
    if (!found) return undefined;
    const last = entries[entries.length - 1];
    if (last) last.end = commentStart(text, last.start, line, indentation);
    entries.push({ key: found[1]!, start: line, end: to });
  }
  const last = entries[entries.length - 1];
  if (last) last.end = commentStart(text, last.start, to, indentation!);
  return entries;
}

/** Where the comment lines and blank lines that lead up to `end` begin, when they are indented no deeper than the entries: they belong to what follows. */
function commentStart(text: string, start: number, end: number, indentation: number): number {
  let cut = end;
  for (;;) {
    const previous = text.lastIndexOf('\n', cut - 2) + 1;
    if (previous <= start || cut === 0) return cut;
    const line = text.slice(previous, cut);
    const comment = /^( *)#/.exec(line);
    if (comment && comment[1]!.length <= indentation) cut = previous;
    else return cut;
  }
}

/** The edit applied to a plain value (changed in place), to check the edited file against. */
function applyToValue(root: unknown, edit: YamlEdit): unknown {
  const copy = root ?? {};
  const { path } = edit;
  let node = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    if (!isObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (edit.op === 'set') node[last] = structuredClone(edit.value);
  else if (edit.op === 'append') node[last] = [...((node[last] as unknown[] | undefined) ?? []), structuredClone(edit.value)];
  else if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else delete node[last];
  return copy;
}

/** The same edit through the yaml library's Document, for the shapes a splice cannot handle. */
function applyToDocument(doc: Document, edit: YamlEdit): void {
  if (edit.op === 'set') doc.setIn(edit.path, doc.createNode(edit.value));
  else if (edit.op === 'delete') doc.deleteIn(edit.path);
  else if (doc.hasIn(edit.path)) doc.addIn(edit.path, doc.createNode(edit.value));
  else doc.setIn(edit.path, doc.createNode([edit.value]));
}

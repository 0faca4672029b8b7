import { isDeepStrictEqual } from 'node:util';
import jsYaml from 'js-yaml';
import { Document, isMap, isScalar, isSeq, parseAllDocuments, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
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
 * but may reformat some lines.
 */
export function editYaml(text: string, edits: readonly YamlEdit[], document = 0): string {
  if (edits.length === 0) return text;
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
    if (isObject(value) || node.value === null) throw new NotSpliceable('scalar to collection');
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

/** The edit applied to a plain value, to check the edited file against. */
function applyToValue(root: unknown, edit: YamlEdit): unknown {
  const copy = structuredClone(root) ?? {};
  const { path } = edit;
  let node = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    if (!isObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (edit.op === 'set') node[last] = edit.value;
  else if (edit.op === 'append') node[last] = [...((node[last] as unknown[] | undefined) ?? []), edit.value];
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

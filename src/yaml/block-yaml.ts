/**
 * A fast reader for the plain block YAML that registries are written in: block mappings and
 * sequences, one-line flow collections, plain and simple quoted scalars, comments. It records
 * every node's position as it goes. On anything outside that subset (anchors, aliases, tags,
 * block scalars, multi-line scalars or flows, escapes, numbers other than plain integers,
 * duplicate keys, tabs, CRLF, several documents) it gives up and returns undefined, and the
 * caller reads the file with js-yaml, which also reports the errors. Where it does answer, it
 * answers as js-yaml would with YAML 1.2's core schema; a property test holds it to that.
 */

/** What the reader produces: the value and the node positions, as YamlSource keeps them. */
export interface BlockYaml {
  value: unknown;
  starts: ArrayLike<number>;
  parents: ArrayLike<number>;
  /** Node index -> its value, for nulls and for the keys that are array indexes (see `isArrayIndex`). */
  scalars: unknown[];
  nodeOf: Map<object, number>;
  /** Where every line of the text starts, for turning offsets into line and column. */
  lineStarts: ArrayLike<number>;
}

/** The documents of one file read by one reader: their values and top nodes, over shared node tables. */
export interface BlockDocuments {
  values: unknown[];
  /** Each document's top node. */
  roots: number[];
  starts: ArrayLike<number>;
  parents: ArrayLike<number>;
  scalars: unknown[];
  nodeOf: Map<object, number>;
}

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
class OutsideSubset extends Error {}

/** How many distinct words the reader keeps one string for. */
const WORDS = 2048;

/** Deeper than this, the reader leaves the file to js-yaml (a registry is six levels deep). */
const MAX_DEPTH = 64;

const KEY_PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_.\/()-]*$/;
const INDICATOR = /^[\[\]{},#&*!|>'"%@`]/;
const INTEGER = /^[-+]?(0|[1-9][0-9]*)$/;
// Anything js-yaml's core schema might read as a number other than a plain integer.
const NUMBER_LIKE = /^[-+]?(\.[0-9]|[0-9]|\.(inf|Inf|INF|nan|NaN|NAN)$)/;
const SPECIAL_FLOAT = /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/;
const FLOAT_LIKE = /^[-+]?([0-9][0-9_]*)?(\.[0-9_]*)?([eE][-+]?[0-9]+)?$|^[-+]?0[xXoObB]|_/;

/** Reads `text` if it is plain block YAML whose top is a mapping; undefined otherwise. */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  try {
    const reader = new BlockReader(text, [[0, text.length]]);
    const { value } = reader.document(0, text.length, true);
    return { value, ...reader.tables(), lineStarts: reader.lineStartsOfText() };
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

/**
 * Reads the documents of `text` found at `pieces` (each [from, to), between its `---` lines) with
 * one reader, positions counted from the start of the text; undefined when one of them is not plain
 * block YAML whose top is a mapping. The node tables are shared, not set up again per document.
 */
export function readBlockDocuments(text: string, pieces: readonly (readonly [number, number])[]): BlockDocuments | undefined {
  // Tabs and carriage returns are rare: only a file that has one looks for them piece by piece.
  const tabOrReturn = text.includes('\r') || text.includes('\t');
  try {
    const reader = new BlockReader(text, pieces);
    const values: unknown[] = [];
    const roots: number[] = [];
    for (const [from, to] of pieces) {
      if (tabOrReturn && (indexWithin(text, 13, from, to) !== -1 || indexWithin(text, 9, from, to) !== -1)) return undefined;
      const { value, root } = reader.document(from, to, false);
      values.push(value);
      roots.push(root);
    }
    return { values, roots, ...reader.tables() };
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

function outside(): never {
  throw new OutsideSubset();
}

class BlockReader {
  // The lines with content (no blank or comment-only lines): indentation, where the content starts,
  // and where it ends before any comment and trailing blanks.
  // They are made at the text's number of lines once, counted first: grown by doubling, the
  // arrays of a 12 MB file left 40 MB of outgrown copies for the collector.
  private indents: Int32Array<ArrayBuffer>;
  private lineStarts: Int32Array<ArrayBuffer>;
  private lineEnds: Int32Array<ArrayBuffer>;
  private lineCount = 0;
  private line = 0;
  private allLineStarts: Int32Array<ArrayBuffer>;
  private allLines = 0;
  // Node start offsets and parents, in typed arrays that double when full: a large registry has
  // a million nodes, and plain arrays of that size cost more to grow and to collect.
  private starts: Int32Array<ArrayBuffer>;
  private parents: Int32Array<ArrayBuffer>;
  private nodes = 0;
  private readonly scalars: unknown[] = [];
  private readonly nodeOf = new Map<object, number>();
  // The items of the sequences being read, so that each list is made at its final length: a list
  // grown by push keeps room for 17 items, and a registry has 100,000 lists of one cluster.
  private pending: unknown[] = [];
  private readonly words = new Map<string, string>();
  private pendingCount = 0;

  /** A reader of the documents at `ranges` of `text` (each [from, to)), which size its tables. */
  constructor(
    private readonly text: string,
    ranges: readonly (readonly [number, number])[],
  ) {
    // Counted once over the text the documents span (a search per document would run on to the
    // end of the text for each): a line holds a key and its value, and a flow list one more node
    // for itself and each item after its first.
    const from = ranges.length > 0 ? ranges[0]![0] : 0;
    const to = ranges.length > 0 ? ranges[ranges.length - 1]![1] : 0;
    let lines = 1 + ranges.length;
    let nodes = 16;
    for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) lines++;
    for (let at = text.indexOf('[', from); at !== -1 && at < to; at = text.indexOf('[', at + 1)) nodes++;
    for (let at = text.indexOf(',', from); at !== -1 && at < to; at = text.indexOf(',', at + 1)) nodes++;
    nodes += 2 * lines;
    this.indents = new Int32Array(lines);
    this.lineStarts = new Int32Array(lines);
    this.lineEnds = new Int32Array(lines);
    this.allLineStarts = new Int32Array(lines + 1);
    nodes += (nodes >> 5) + 64; // and a little room for list items that open mappings (`- key: value`)
    this.starts = new Int32Array(nodes);
    this.parents = new Int32Array(nodes);
  }

  /** Reads the document in text[from, to) (its content lines, no `---`); with `allLines`, also records every line's start. */
  document(from: number, to: number, allLines: boolean): { value: unknown; root: number } {
    const { text } = this;
    this.lineCount = 0;
    this.line = 0;
    let at = from;
    while (at < to) {
      if (allLines) {
        if (this.allLines === this.allLineStarts.length) this.allLineStarts = grown(this.allLineStarts);
        this.allLineStarts[this.allLines++] = at;
      }
      let end = text.indexOf('\n', at);
      if (end === -1 || end > to) end = to;
      let start = at;
      while (start < end && text.charCodeAt(start) === 32) start++;
      if (start < end && text.charCodeAt(start) !== 35 /* # */) {
        if (start === at && (text.startsWith('---', at) || text.startsWith('...', at) || text.charCodeAt(at) === 37)) outside();
        this.addLine(start - at, start, contentEnd(text, start, end));
      }
      at = end + 1;
    }
    if (this.lineCount === 0 || this.indents[0] !== 0) outside();
    const root = this.node(this.lineStarts[0]!, -1);
    const value = this.mapping(0, root);
    if (this.line < this.lineCount) outside();
    return { value, root };
  }

  /** The node tables of every document read, cut to their length (the doubled buffers are let go). */
  tables(): Pick<BlockYaml, 'starts' | 'parents' | 'scalars' | 'nodeOf'> {
    return { starts: fitted(this.starts, this.nodes), parents: fitted(this.parents, this.nodes), scalars: this.scalars, nodeOf: this.nodeOf };
  }

  /** Every line's start, with the empty line after a final newline as a line of its own. */
  lineStartsOfText(): Int32Array {
    if (this.text.endsWith('\n') || this.text.length === 0) {
      if (this.allLines === this.allLineStarts.length) this.allLineStarts = grown(this.allLineStarts);
      this.allLineStarts[this.allLines++] = this.text.length;
    }
    return this.allLineStarts.subarray(0, this.allLines);
  }

  private addLine(indent: number, start: number, end: number): void {
    if (this.lineCount === this.indents.length) {
      this.indents = grown(this.indents);
      this.lineStarts = grown(this.lineStarts);
      this.lineEnds = grown(this.lineEnds);
    }
    this.indents[this.lineCount] = indent;
    this.lineStarts[this.lineCount] = start;
    this.lineEnds[this.lineCount++] = end;
  }

  private node(start: number, parent: number): number {
    if (this.nodes === this.starts.length) {
      this.starts = grown(this.starts);
      this.parents = grown(this.parents);
    }
    this.starts[this.nodes] = start;
    this.parents[this.nodes] = parent;
    return this.nodes++;
  }

  /** A block mapping whose keys stand at column `indent`; the current line holds its first key. */
  private depth = 0;

  private mapping(indent: number, index: number, firstKeyAt?: number): Record<string, unknown> {
    if (++this.depth > MAX_DEPTH) outside();
    const result: Record<string, unknown> = {};
    this.nodeOf.set(result, index);
    let keyAt = firstKeyAt;
    while (this.line < this.lineCount) {
      const lineEnd = this.lineEnds[this.line]!;
      if (keyAt === undefined) {
        const lineIndent = this.indents[this.line]!;
        if (lineIndent < indent) break;
        if (lineIndent > indent) outside();
        keyAt = this.lineStarts[this.line]!;
      }
      let colon = plainKeyEnd(this.text, keyAt, lineEnd);
      let key: string;
      if (colon !== -1) {
        key = this.text.slice(keyAt, colon);
        // A key the core schema would read as a number, boolean or null stays out of the subset.
        const c = key.charCodeAt(0);
        if ((c >= 48 && c <= 57) || KEYWORD_START.has(c)) {
          if (this.scalar(keyAt, colon, false) !== key) outside();
        }
      } else {
        colon = this.keyEnd(keyAt, lineEnd);
        key = this.keyText(keyAt, colon);
      }
      // A key seen before (or one the prototype answers to, such as `constructor`) goes to js-yaml,
      // which reports duplicates; values are never undefined, so this is a plain look-up.
      if (result[key] !== undefined || key === '<<' || key === '__proto__') outside();
      this.key(this.node(keyAt, index), key);
      let valueAt = colon + 1;
      while (valueAt < lineEnd && this.text.charCodeAt(valueAt) === 32) valueAt++;
      this.line++;
      if (valueAt >= lineEnd) {
        result[key] = this.nested(indent, colon + 1, index, true);
      } else {
        result[key] = this.inline(valueAt, lineEnd, index);
        this.noContinuation(indent);
      }
      keyAt = undefined;
    }
    this.depth--;
    return result;
  }

  /** A block sequence whose dashes stand at column `indent`. */
  private sequence(indent: number, index: number): unknown[] {
    if (++this.depth > MAX_DEPTH) outside();
    const base = this.pendingCount;
    while (this.line < this.lineCount) {
      const lineIndent = this.indents[this.line]!;
      const lineStart = this.lineStarts[this.line]!;
      const lineEnd = this.lineEnds[this.line]!;
      if (lineIndent < indent) break;
      if (lineIndent > indent) outside();
      // A line at the dashes' column without a dash ends a sequence that its mapping key shares.
      if (this.text.charCodeAt(lineStart) !== 45 /* - */) break;
      const after = lineStart + 1;
      if (after < lineEnd && this.text.charCodeAt(after) !== 32) outside();
      let itemAt = after;
      while (itemAt < lineEnd && this.text.charCodeAt(itemAt) === 32) itemAt++;
      if (itemAt >= lineEnd) {
        this.line++;
        this.push(this.nested(indent, after, index, false));
      } else if (this.startsMapping(itemAt, lineEnd)) {
        // `- key: value` opens a mapping whose keys stand where this key does.
        const item = this.node(itemAt, index);
        this.push(this.mapping(itemAt - (lineStart - lineIndent), item, itemAt));
      } else {
        this.line++;
        this.push(this.inline(itemAt, lineEnd, index));
        this.noContinuation(indent);
      }
    }
    this.depth--;
    return this.list(base, index);
  }

  /**
   * One string for each short word seen often (`NodePort`, a team's range, a cluster's name): a
   * large registry writes the same few dozen words 400,000 times, and each copy would be kept. The
   * first words seen fill the table, which then stays that size.
   */
  private word(word: string): string {
    if (word.length > 32) return word;
    const known = this.words.get(word);
    if (known !== undefined) return known;
    if (this.words.size < WORDS) this.words.set(word, word);
    return word;
  }

  /** Holds one item of the sequence being read. */
  push(value: unknown): void {
    this.pending[this.pendingCount++] = value;
  }

  /** The items held since `base`, as a list made at its length, recorded as node `index`. */
  list(base: number, index: number): unknown[] {
    const result = this.pending.slice(base, this.pendingCount);
    this.pendingCount = base;
    this.nodeOf.set(result, index);
    return result;
  }

  /** Where the next sequence's items start among those held. */
  listStart(): number {
    return this.pendingCount;
  }

  /** The value of a key or dash with nothing after it: a deeper block, a same-column sequence, or null. */
  private nested(indent: number, emptyAt: number, parent: number, underKey: boolean): unknown {
    const more = this.line < this.lineCount;
    const nextIndent = more ? this.indents[this.line]! : -1;
    const nextStart = more ? this.lineStarts[this.line]! : -1;
    const nextEnd = more ? this.lineEnds[this.line]! : -1;
    if (more && nextIndent > indent) {
      const index = this.node(nextStart, parent);
      if (this.text.charCodeAt(nextStart) === 45 && (nextEnd === nextStart + 1 || this.text.charCodeAt(nextStart + 1) === 32)) {
        return this.sequence(nextIndent, index);
      }
      if (!this.startsMapping(nextStart, nextEnd)) outside(); // a multi-line scalar
      return this.mapping(nextIndent, index);
    }
    if (underKey && more && nextIndent === indent && this.text.charCodeAt(nextStart) === 45) {
      // YAML lets a mapping's sequence value start at the key's own column.
      return this.sequence(indent, this.node(nextStart, parent));
    }
    this.scalars[this.node(emptyAt, parent)] = null;
    return null;
  }

  /** A value written on the line: a flow collection or a scalar. */
  private inline(start: number, end: number, parent: number): unknown {
    const c = this.text.charCodeAt(start);
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const flow = new FlowReader(this, this.text, start, end);
      const value = flow.value(parent);
      if (flow.at !== end) outside();
      return value;
    }
    const value = this.scalar(start, end, false);
    // Only keys and nulls are looked up later (by name, and to place an empty value); other
    // scalars need not be kept.
    const index = this.node(start, parent);
    if (value === null) this.scalars[index] = null;
    return value;
  }

  /** A scalar from `start` to `end`, resolved as YAML 1.2's core schema does. */
  scalar(start: number, end: number, inFlow: boolean): unknown {
    const first = this.text.charCodeAt(start);
    // Most scalars are plain words or plain port numbers: settle those in one pass over the characters.
    if (first >= 48 && first <= 57) {
      let at = start;
      while (at < end && this.text.charCodeAt(at) >= 48 && this.text.charCodeAt(at) <= 57) at++;
      if (at === end && (first !== 48 || end - start === 1) && end - start < 16) return Number(this.text.slice(start, end));
    } else if (isWordStart(first) && !KEYWORD_START.has(first) && plainWord(this.text, start, end, inFlow)) {
      return this.word(this.text.slice(start, end));
    }
    const text = this.text.slice(start, end);
    const quote = first;
    if (quote === 34 /* " */) {
      if (text.length < 2 || !text.endsWith('"') || text.includes('\\') || text.slice(1, -1).includes('"')) outside();
      return text.slice(1, -1);
    }
    if (quote === 39 /* ' */) {
      if (text.length < 2 || !text.endsWith("'")) outside();
      const inner = text.slice(1, -1);
      if (/'(?!')/.test(inner.replace(/''/g, ''))) outside();
      return inner.replace(/''/g, "'");
    }
    if (INDICATOR.test(text) || /^[-?:](\s|$)/.test(text) || text.includes(': ') || text.endsWith(':')) outside();
    if (inFlow && /[,\[\]{}]|:/.test(text)) outside();
    switch (text) {
      case '~':
      case 'null':
      case 'Null':
      case 'NULL':
        return null;
      case 'true':
      case 'True':
      case 'TRUE':
        return true;
      case 'false':
      case 'False':
      case 'FALSE':
        return false;
    }
    if (INTEGER.test(text)) {
      const number = Number(text);
      if (!Number.isSafeInteger(number) || text === '-0') outside();
      return number;
    }
    if (NUMBER_LIKE.test(text) && (FLOAT_LIKE.test(text) || SPECIAL_FLOAT.test(text))) outside();
    return this.word(text);
  }

  /** Where the `:` that ends the key starting at `start` is. */
  private keyEnd(start: number, end: number): number {
    const c = this.text.charCodeAt(start);
    let at = start;
    if (c === 34 || c === 39) {
      at = indexWithin(this.text, c, start + 1, end);
      if (at === -1) outside();
      at++;
    } else {
      at = indexWithin(this.text, 58 /* : */, start, end);
      if (at === -1) outside();
    }
    if (this.text.charCodeAt(at) !== 58 || (at + 1 < end && this.text.charCodeAt(at + 1) !== 32)) outside();
    return at;
  }

  private keyText(start: number, colon: number): string {
    const raw = this.text.slice(start, colon).trimEnd();
    const c = raw.charCodeAt(0);
    if (c === 34 || c === 39) {
      const key = this.scalar(start, start + raw.length, false);
      return String(key);
    }
    if (!KEY_PLAIN.test(raw)) outside();
    // A key that the core schema would read as a number, boolean or null stays out of the subset.
    if (this.scalar(start, start + raw.length, false) !== raw) outside();
    return raw;
  }

  /** True when the text at `start` is `key:` followed by a blank or the end of the line. */
  private startsMapping(start: number, end: number): boolean {
    const c = this.text.charCodeAt(start);
    if (c === 91 || c === 123 || c === 34 || c === 39) {
      if (c === 91 || c === 123) return false;
      const close = indexWithin(this.text, c, start + 1, end);
      return close !== -1 && this.text.charCodeAt(close + 1) === 58;
    }
    const colon = indexWithin(this.text, 58 /* : */, start, end);
    return colon !== -1 && (colon + 1 === end || this.text.charCodeAt(colon + 1) === 32);
  }

  /** A scalar value may not continue on deeper lines (a multi-line plain scalar). */
  private noContinuation(indent: number): void {
    if (this.line < this.lineCount && this.indents[this.line]! > indent) outside();
  }

  /** Records a node for the flow reader. */
  flowNode(start: number, parent: number): number {
    return this.node(start, parent);
  }

  setScalar(index: number, value: unknown): void {
    this.scalars[index] = value;
  }

  /**
   * Notes key node `index`. Only a key that is an array index (`8080`) is kept in the scalars
   * table: the mapping gives every other key back in the order written (`Object.keys`), and
   * 600,000 keys of a large registry need not be held twice.
   */
  key(index: number, key: string): void {
    if (isArrayIndex(key)) this.scalars[index] = key;
  }

  setContainer(container: object, index: number): void {
    this.nodeOf.set(container, index);
  }
}

/** A one-line flow collection: `[80, 443]`, `{ ports: 30100-30199, description: AI }`. */
class FlowReader {
  constructor(
    private readonly reader: BlockReader,
    private readonly text: string,
    public at: number,
    private readonly end: number,
  ) {}

  private depth = 0;

  value(parent: number): unknown {
    if (++this.depth > MAX_DEPTH) outside();
    this.blanks();
    const start = this.at;
    const c = this.text.charCodeAt(start);
    const index = this.reader.flowNode(start, parent);
    if (c === 91 || c === 123) {
      const close = c === 91 ? 93 : 125;
      // A list's items are held by the reader and the list made at its length once it closes.
      const base = this.reader.listStart();
      const mapping: Record<string, unknown> | undefined = c === 91 ? undefined : {};
      if (mapping) this.reader.setContainer(mapping, index);
      const done = () => {
        this.depth--;
        return mapping ?? this.reader.list(base, index);
      };
      this.at++;
      this.blanks();
      if (this.text.charCodeAt(this.at) === close) {
        this.at++;
        return done();
      }
      for (;;) {
        if (!mapping) {
          this.reader.push(this.value(index));
        } else {
          this.blanks();
          const keyStart = this.at;
          const keyEnd = this.scalarEnd(true);
          const key = this.reader.scalar(keyStart, keyEnd, true);
          if (typeof key !== 'string' || Object.prototype.hasOwnProperty.call(mapping, key) || key === '<<' || key === '__proto__') outside();
          this.reader.key(this.reader.flowNode(keyStart, index), key);
          this.at = keyEnd;
          this.blanks();
          if (this.text.charCodeAt(this.at) !== 58 || this.text.charCodeAt(this.at + 1) !== 32) outside();
          this.at++;
          mapping[key] = this.value(index);
        }
        this.blanks();
        const next = this.text.charCodeAt(this.at);
        this.at++;
        if (next === close) return done();
        if (next !== 44 /* , */) outside();
        this.blanks();
        if (this.text.charCodeAt(this.at) === close) outside(); // a trailing comma
      }
    }
    const end = this.scalarEnd(false);
    if (end === start) outside();
    const value = this.reader.scalar(start, end, true);
    if (value === null) this.reader.setScalar(index, null);
    this.at = end;
    this.depth--;
    return value;
  }

  /** Where the scalar at the cursor ends: its closing quote, or before `,`, `]`, `}` or `: `. */
  private scalarEnd(isKey: boolean): number {
    const c = this.text.charCodeAt(this.at);
    if (c === 34 || c === 39) {
      const close = indexWithin(this.text, c, this.at + 1, this.end);
      if (close === -1) outside();
      return close + 1;
    }
    let at = this.at;
    while (at < this.end) {
      const d = this.text.charCodeAt(at);
      if (d === 44 || d === 93 || d === 125) break;
      if (d === 58 && (isKey || this.text.charCodeAt(at + 1) === 32)) break;
      at++;
    }
    while (at > this.at && this.text.charCodeAt(at - 1) === 32) at--;
    return at;
  }

  private blanks(): void {
    while (this.at < this.end && this.text.charCodeAt(this.at) === 32) this.at++;
  }
}

/**
 * Where character `c` first is in text[start, end), or -1: a search that stops at the line's end,
 * where `indexOf` would run on to the end of the file for every line without one.
 */
function indexWithin(text: string, c: number, start: number, end: number): number {
  for (let at = start; at < end; at++) if (text.charCodeAt(at) === c) return at;
  return -1;
}

/** A copy of `array` half as long again. */
function grown(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(Math.ceil(array.length * 1.5) + 16);
  larger.set(array);
  return larger;
}

/** The first `length` numbers of `array`: a view when little is left over, a copy when much is. */
function fitted(array: Int32Array<ArrayBuffer>, length: number): Int32Array {
  return array.length - length > (length >> 3) + 64 ? array.slice(0, length) : array.subarray(0, length);
}

/**
 * True when `key` is an array index (`0` to 2^32 - 2, written plainly): such keys come first and
 * in numeric order from `Object.keys`, where every other key comes in the order it was added.
 */
export function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (!(c >= 48 && c <= 57) || key.length > 10 || (c === 48 && key.length > 1)) return false;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(key) <= 4294967294;
}

/** Letters that may begin null, true or false (`null`, `True`, `FALSE`, `~`). */
const KEYWORD_START = new Set([110, 78, 116, 84, 102, 70, 126]);

/** A letter or underscore. */
function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/**
 * True when text[start, end) is a plain scalar that is surely a string: no `: `, no final `:`,
 * and, inside a flow collection, none of `,[]{}:`. Callers have checked the first character.
 */
function plainWord(text: string, start: number, end: number, inFlow: boolean): boolean {
  for (let at = start; at < end; at++) {
    const c = text.charCodeAt(at);
    if (c === 58 /* : */) {
      if (inFlow || at + 1 === end || text.charCodeAt(at + 1) === 32) return false;
    } else if (inFlow && (c === 44 || c === 91 || c === 93 || c === 123 || c === 125)) return false;
  }
  return true;
}

/** Where the `:` after a plain key (letters, digits, `_.-/()`) is, or -1 when the key is anything else. */
function plainKeyEnd(text: string, start: number, end: number): number {
  const first = text.charCodeAt(start);
  if (!(isWordStart(first) || (first >= 48 && first <= 57))) return -1;
  for (let at = start + 1; at < end; at++) {
    const c = text.charCodeAt(at);
    if (c === 58) return at + 1 === end || text.charCodeAt(at + 1) === 32 ? at : -1;
    if (!(isWordStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 47 || c === 40 || c === 41)) return -1;
  }
  return -1;
}

/** Where a line's content ends: before a comment (` #` outside quotes) and trailing blanks. */
function contentEnd(text: string, start: number, end: number): number {
  let quote = 0;
  for (let at = start; at < end; at++) {
    const c = text.charCodeAt(at);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      // A quote opens a quoted scalar only where a scalar starts.
      const before = at === start ? 32 : text.charCodeAt(at - 1);
      if (before === 32 || before === 91 || before === 123 || before === 44 || before === 58) quote = c;
    } else if (c === 35 && text.charCodeAt(at - 1) === 32) {
      end = at;
      break;
    }
  }
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return end;
}

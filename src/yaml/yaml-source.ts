import jsYaml from 'js-yaml';
import { InputError } from '../core/errors.ts';
import { lineStarts } from '../core/line-ends.ts';
import { isArrayIndex, readBlockDocuments, readBlockYaml } from './block-yaml.ts';
import type { Location } from '../core/types.ts';

/** A path into a parsed YAML value: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** The largest file read, in bytes; a registry of 100 clusters and 100,000 ports is about 12 MB. */
export const MAX_YAML_BYTES = 64 * 1024 * 1024;

/** YAML 1.2's core schema and merge keys (`<<: *defaults`): a registry has no timestamps or binary. */
const SCHEMA = jsYaml.CORE_SCHEMA.extend([(jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge]);

/** How many nodes aliases may expand to, over the nodes written in the file. */
const ALIAS_EXPANSION_LIMIT = 10;

/**
 * A YAML document read by the fast parser, with the position of every node, so that errors and
 * findings can say line and column.
 *
 * The parser's listener only appends numbers to flat arrays (node start, parent) and remembers
 * which node made each mapping or list; the tree of positions is built on the first look-up, so a
 * registry that needs no location pays almost nothing for them.
 */
export class YamlSource {
  private readonly keyCache = new Map<number, Map<string, number>>();
  private locationClasses: { value: LazyLocationClass; key: LazyLocationClass } | undefined;

  private constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
    /** Node index -> where js-yaml opened it (before blanks and comments). */
    private readonly starts: ArrayLike<number>,
    /** Node index -> its parent's index, -1 at the top. Nodes are numbered as they open. */
    private readonly parents: ArrayLike<number>,
    /** Node index -> its value, for mapping keys and nulls (what look-ups need; other scalars may be absent). */
    private readonly scalars: unknown[],
    /** Mapping or list -> the index of the node that made it. */
    private readonly nodeOf: Map<object, number>,
    /** The index of this document's top node (several documents of one file share the arrays). */
    private readonly root: number,
    /** The file's line starts and child table, computed once and shared by its documents. */
    private readonly shared: SharedTables,
    /**
     * True when `scalars` holds only the keys that are array indexes (the fast reader's), and a
     * mapping's other keys are read from the mapping itself in the order written.
     */
    private readonly fewKeys = false,
  ) {}

  /**
   * Parses one YAML document; a syntax error, an alias bomb or a huge file is an InputError.
   * Plain block YAML goes through the fast reader; anything else, or `{ fast: false }`, through js-yaml.
   */
  static parse(file: string, text: string, options: { fast?: boolean } = {}): YamlSource {
    return YamlSource.read(file, text, false, options.fast !== false, undefined)[0]!;
  }

  /**
   * Parses every document of a multi-document file (`---` between them), each with its positions
   * counted from the start of the file. One syntax error anywhere makes the whole file an InputError.
   * Documents of plain block YAML go through the fast reader, each on its own.
   *
   * With `keep`, a file of several documents of plain block YAML gives only the documents that
   * `keep` takes (called with each one's text range, separators left out), and the others are
   * never read. A file that the fast reader does not read is read whole by js-yaml, every document given.
   */
  static parseAll(file: string, text: string, options: { fast?: boolean; keep?: (from: number, to: number) => boolean } = {}): YamlSource[] {
    return YamlSource.read(file, text, true, options.fast !== false, options.keep);
  }

  private static read(file: string, text: string, many: boolean, fast: boolean, keep: ((from: number, to: number) => boolean) | undefined): YamlSource[] {
    if (text.length > MAX_YAML_BYTES) {
      throw new InputError(
        `${file} is ${(text.length / 1048576).toFixed(1)} MiB; files over ${MAX_YAML_BYTES / 1048576} MiB are not read`,
        { file, line: 1, column: 1 },
      );
    }
    const bom = text.charCodeAt(0) === 0xfeff;
    if (bom) text = text.slice(1);
    const pieces = fast && many ? separated(text) : undefined;
    const block = fast && !pieces ? readBlockYaml(text) : undefined;
    if (block) return [new YamlSource(file, text, block.value, block.starts, block.parents, block.scalars, block.nodeOf, 0, { lineStarts: block.lineStarts }, true)];
    const kept = keep && bom ? (from: number, to: number) => keep(from + 1, to + 1) : keep;
    const blocks = pieces ? YamlSource.readBlockDocuments(file, text, pieces, kept) : undefined;
    if (blocks) return blocks;
    const shared: SharedTables = {};
    const starts: number[] = [];
    const parents: number[] = [];
    const scalars: unknown[] = [];
    const nodeOf = new Map<object, number>();
    const open: number[] = [];
    const roots: number[] = [];
    let depth = 0;
    let documents: unknown[];
    const options: jsYaml.LoadOptions = {
        filename: file,
        schema: SCHEMA,
        listener(event, state) {
          if (event === 'open') {
            const index = starts.length;
            starts.push(state.position);
            parents.push(depth > 0 ? open[depth - 1]! : -1);
            open[depth++] = index;
            return;
          }
          const index = open[--depth]!;
          if (depth === 0) roots.push(index);
          const result: unknown = state.result;
          if (result === null || typeof result !== 'object') scalars[index] = result;
          else if (!nodeOf.has(result)) nodeOf.set(result, index);
        },
      };
    try {
      documents = many ? jsYaml.loadAll(text, undefined, options) : [jsYaml.load(text, options)];
    } catch (error) {
      throw syntaxError(file, error);
    }
    const aligned = roots.length === documents.length;
    const sources = documents.map(
      (value, i) => new YamlSource(file, text, value, starts, parents, scalars, nodeOf, aligned ? roots[i]! : -1, shared),
    );
    // Only an anchor (`&name`) can be aliased: without one there is nothing to expand.
    if (/&\S/.test(text)) for (const source of sources) source.checkAliasExpansion(starts.length);
    return sources;
  }

  /**
   * The documents of a multi-document file, each read by the fast reader, with positions counted
   * from the start of the file; undefined when one of them is outside its subset (or is empty
   * after a `---`), and js-yaml reads the whole file.
   */
  private static readBlockDocuments(file: string, text: string, pieces: readonly [number, number][], keep: ((from: number, to: number) => boolean) | undefined): YamlSource[] | undefined {
    const documents: [number, number][] = [];
    for (const [i, [from, to]] of pieces.entries()) {
      // Most documents start with their first key: only one that starts with a blank or `#` may be empty.
      const first = text[from];
      if (from === to || first === '#' || /\s/.test(first!) ? /^(\s*(#[^\n]*)?\n?)*$/.test(text.slice(from, to)) : false) {
        // Comments before the first `---` open no document; an empty one after a `---` is js-yaml's to read.
        if (i === 0) continue;
        return undefined;
      }
      if (!keep || keep(from, to)) documents.push([from, to]);
    }
    const block = readBlockDocuments(text, documents);
    if (!block) return undefined;
    const shared: SharedTables = {};
    return block.values.map((value, i) => new YamlSource(file, text, value, block.starts, block.parents, block.scalars, block.nodeOf, block.roots[i]!, shared, true));
  }

  /** Where the value at `path` starts; with `key`, where its key starts. */
  locate(path: YamlPath, part: 'value' | 'key' = 'value'): Location {
    let node: unknown = this.value;
    let index = this.root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (node === null || typeof node !== 'object') break;
      const container = this.nodeOf.get(node);
      if (container === undefined) break;
      index = container;
      const found = this.childOf(node, container, segment, i === path.length - 1 ? part : 'value');
      if (found === -1) break;
      index = found;
      node = (node as Record<string | number, unknown>)[segment];
    }
    return this.nodeLocation(index);
  }

  /** Where node `index` starts, past the blanks, comments, anchor and tag before it. */
  private nodeLocation(index: number): Location {
    const start = index >= 0 ? this.starts[index]! : 0;
    // An empty value has no text of its own: point just after its key's colon.
    const offset = this.scalars[index] === null ? nullStart(this.text, start) : skipToNode(this.text, start);
    return this.locationOf(offset);
  }

  /** Like locate, but resolved only when its line or column is first read. */
  lazyLocate(path: YamlPath, part: 'value' | 'key' = 'value'): Location {
    const classes = (this.locationClasses ??= locationClassesOf(this));
    return new classes[part](undefined, path);
  }

  /**
   * Where `container[key]` (or, with `key`, its key) is, resolved only when first read. Starting
   * from the mapping or list itself saves walking the path from the top, and building the path.
   */
  lazyLocateIn(container: object, key: string | number, part: 'value' | 'key' = 'value'): Location {
    const classes = (this.locationClasses ??= locationClassesOf(this));
    return new classes[part](container, key);
  }

  /** Where `container[key]` (or its key) is; the container itself when the key is not found. */
  locateIn(container: object, key: string | number, part: 'value' | 'key' = 'value'): Location {
    const index = this.nodeOf.get(container);
    if (index === undefined) return this.locationOf(0);
    const found = this.childOf(container, index, key, part);
    return this.nodeLocation(found === -1 ? index : found);
  }

  /** The node of `container[key]` (or of its key), -1 when there is none; `index` is the container's node. */
  private childOf(container: object, index: number, key: string | number, part: 'value' | 'key'): number {
    const kids = this.childrenOf(index);
    if (Array.isArray(container)) return typeof key === 'number' && key < kids.length ? kids[key]! : -1;
    const pair = this.keysOf(container, index, kids).get(String(key));
    if (pair === undefined) return -1;
    return part === 'key' ? kids[pair]! : kids[pair + 1]!;
  }

  /** Line and column (from 1) of a byte offset. */
  locationOf(offset: number): Location {
    const starts = (this.shared.lineStarts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** A mapping's keys -> the position of the key among its children; cached, as `services` may hold thousands. */
  private keysOf(mapping: object, container: number, kids: Int32Array): Map<string, number> {
    let keys = this.keyCache.get(container);
    if (!keys) {
      keys = new Map();
      // The fast reader's mappings give their keys back in the order written, but for the array
      // indexes (which come first from Object.keys, and which the scalars table holds).
      const names = this.fewKeys ? Object.keys(mapping) : [];
      let next = 0;
      for (let k = 0; k + 1 < kids.length; k += 2) {
        let key: string;
        const scalar = this.scalars[kids[k]!];
        if (scalar !== undefined || !this.fewKeys) key = String(scalar);
        else {
          while (next < names.length && isArrayIndex(names[next]!)) next++;
          key = names[next++]!;
        }
        if (!keys.has(key)) keys.set(key, k);
      }
      this.keyCache.set(container, keys);
    }
    return keys;
  }

  /**
   * The direct children of a node, in order. Nodes are numbered as they open, so a node's
   * descendants follow it, each with a parent at or after it: its children are found by reading
   * on until a node belongs elsewhere. Each node's children are kept once found, for all the
   * file's documents (a finding looks up a handful; a table of every node's would hold 16 MB for
   * a large registry).
   */
  private childrenOf(index: number): Int32Array {
    const known = (this.shared.children ??= new Map());
    let kids = known.get(index);
    if (!kids) {
      // Counted first, then filled: `services` has 100,000 children.
      const { parents } = this;
      let end = index + 1;
      let count = 0;
      for (; end < parents.length && parents[end]! >= index; end++) if (parents[end] === index) count++;
      kids = new Int32Array(count);
      for (let i = index + 1, k = 0; k < count; i++) if (parents[i] === index) kids[k++] = i;
      known.set(index, kids);
    }
    return kids;
  }

  /** Throws when aliases make the document far larger than what is written (a "billion laughs"). */
  private checkAliasExpansion(written: number): void {
    const limit = ALIAS_EXPANSION_LIMIT * written + 1000;
    const sizes = new Map<object, number>();
    const visiting = new Set<object>();
    const size = (node: unknown): number => {
      if (node === null || typeof node !== 'object') return 1;
      const known = sizes.get(node);
      if (known !== undefined) return known;
      if (visiting.has(node)) return limit + 1; // a cycle only aliases can make
      visiting.add(node);
      let total = 1;
      for (const child of Object.values(node)) {
        total += size(child);
        if (total > limit) break;
      }
      visiting.delete(node);
      sizes.set(node, total);
      return total;
    };
    if (size(this.value) > limit) {
      throw new InputError(
        `YAML aliases in ${this.file} expand to more than ${limit} nodes from ${written} written`,
        { file: this.file, line: 1, column: 1 },
        'write the values out, or use fewer nested aliases',
      );
    }
  }
}

/** The text ranges between a file's `---` lines (each [from, to), the separators left out); undefined when it has none. */
function separated(text: string): [number, number][] | undefined {
  const separator = /^---[ ]*(#[^\n]*)?$/gm;
  const pieces: [number, number][] = [];
  let start = 0;
  for (let match = separator.exec(text); match; match = separator.exec(text)) {
    pieces.push([start, match.index]);
    start = Math.min(text.length, match.index + match[0].length + 1);
  }
  if (pieces.length === 0) return undefined;
  pieces.push([start, text.length]);
  return pieces;
}

/** What the documents of one file share: where its lines start, and every node's children. */
interface SharedTables {
  lineStarts?: ArrayLike<number>;
  children?: Map<number, Int32Array>;
}

/** Locations already resolved: the few a run shows (findings, errors), not the 100,000 it makes. */
const resolvedLocations = new WeakMap<LazyLocation, Location>();

/**
 * A location whose line and column are looked up on first use: a registry of 100,000 ports
 * makes that many locations, and a clean check reads none of them. It holds only what finds the
 * node again, two fields: its source and whether it is a key's place come from its class, one
 * pair of classes per source (see `YamlSource.locationClasses`), as half a million are made for a
 * large registry.
 */
abstract class LazyLocation implements Location {
  constructor(
    /** The mapping or list that holds the node, or undefined when `at` is a path from the top. */
    protected readonly container: object | undefined,
    protected readonly at: YamlPath | string | number,
  ) {}

  protected abstract get source(): YamlSource;

  /** Which part of the node: its value, or its key. */
  protected abstract get part(): 'value' | 'key';

  get file(): string {
    return this.source.file;
  }

  get line(): number {
    return this.resolve().line;
  }

  get column(): number {
    return this.resolve().column;
  }

  private resolve(): Location {
    let resolved = resolvedLocations.get(this);
    if (resolved) return resolved;
    const { source, container, at, part } = this;
    resolved = container ? source.locateIn(container, at as string | number, part) : source.locate(at as YamlPath, part);
    resolvedLocations.set(this, resolved);
    return resolved;
  }

  toJSON(): Location {
    return { file: this.file, line: this.line, column: this.column };
  }
}

type LazyLocationClass = new (container: object | undefined, at: YamlPath | string | number) => LazyLocation;

/** The classes of a source's lazy locations, of values and of keys. */
function locationClassesOf(source: YamlSource): { value: LazyLocationClass; key: LazyLocationClass } {
  return {
    value: class extends LazyLocation {
      protected get source(): YamlSource {
        return source;
      }
      protected get part(): 'value' | 'key' {
        return 'value';
      }
    },
    key: class extends LazyLocation {
      protected get source(): YamlSource {
        return source;
      }
      protected get part(): 'value' | 'key' {
        return 'key';
      }
    },
  };
}

function lineStartsOf(text: string): number[] {
  // Only a file with a carriage return needs the slower walk that knows all three line ends.
  if (text.includes('\r')) return lineStarts(text);
  const starts = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return starts;
}

/** Where a null value's text (`null`, `~`) starts, or `offset` itself when there is none on the line. */
function nullStart(text: string, offset: number): number {
  let at = offset;
  while (text.charCodeAt(at) === 32) at++;
  const c = text.charCodeAt(at);
  return at >= text.length || c === 10 || c === 13 || c === 35 || c === 44 || c === 93 || c === 125 ? offset : at;
}

/** js-yaml opens a node before the blanks, comments, anchor and tag that precede it. */
function skipToNode(text: string, offset: number): number {
  let at = offset;
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === 32 || c === 9 || c === 10 || c === 13) at++;
    else if (c === 35 /* # */) {
      // A comment runs to its line's end: \n, or \r alone in a file with classic Mac line ends.
      while (at < text.length && text.charCodeAt(at) !== 10 && text.charCodeAt(at) !== 13) at++;
      if (at >= text.length) return text.length;
    } else if ((c === 38 /* & */ || c === 33) /* ! */ && at + 1 < text.length) {
      let end = at;
      while (end < text.length && !/\s/.test(text[end]!)) end++;
      if (end >= text.length) return at;
      at = end;
    } else return at;
  }
}

function syntaxError(file: string, error: unknown): InputError {
  if (error instanceof jsYaml.YAMLException) {
    const mark = error.mark as { line?: number; column?: number } | undefined;
    const reason = error.reason.replace(/^duplicated mapping key$/, 'duplicate key: a key appears twice in one mapping');
    return new InputError(
      `YAML: ${reason}`,
      { file, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 },
      undefined,
      { cause: error },
    );
  }
  if (error instanceof RangeError) {
    return new InputError(`YAML in ${file} is nested too deeply to read`, { file, line: 1, column: 1 }, undefined, {
      cause: error,
    });
  }
  throw error;
}

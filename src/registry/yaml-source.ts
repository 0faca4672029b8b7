import jsYaml from 'js-yaml';
import { InputError } from '../core/errors.ts';
import type { Location } from '../core/types.ts';

/** A path into a parsed YAML value: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** Where a container's children start, as byte offsets into the text. */
interface ContainerOffsets {
  self: number;
  /** For a mapping, key -> [key offset, value offset]; for a sequence, item offsets. */
  keys?: Map<string, [number, number]>;
  items?: number[];
}

/** Line start offsets of a text, computed once and shared by the documents of one file. */
interface LineIndex {
  starts?: number[];
}

/** The largest file read, in bytes; a registry of 100 clusters and 100,000 ports is about 7 MB. */
export const MAX_YAML_BYTES = 64 * 1024 * 1024;

/** How many nodes aliases may expand to, over the nodes written in the file. */
const ALIAS_EXPANSION_LIMIT = 10;

/**
 * A YAML document read by the fast parser, with the position of every mapping key, value and
 * sequence item, so that errors and findings can say line and column.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
    private readonly offsets: WeakMap<object, ContainerOffsets>,
    private readonly lines: LineIndex,
  ) {}

  /** Parses one YAML document; a syntax error, an alias bomb or a huge file is an InputError. */
  static parse(file: string, text: string): YamlSource {
    return YamlSource.read(file, text, false)[0]!;
  }

  /**
   * Parses every document of a multi-document file (`---` between them), each with its positions
   * counted from the start of the file. One syntax error anywhere makes the whole file an InputError.
   */
  static parseAll(file: string, text: string): YamlSource[] {
    return YamlSource.read(file, text, true);
  }

  private static read(file: string, text: string, many: boolean): YamlSource[] {
    if (text.length > MAX_YAML_BYTES) {
      throw new InputError(
        `${file} is ${(text.length / 1048576).toFixed(1)} MiB; files over ${MAX_YAML_BYTES / 1048576} MiB are not read`,
        { file, line: 1, column: 1 },
      );
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const offsets = new WeakMap<object, ContainerOffsets>();
    // Each open node on the stack: its start offset, its children's start offsets and scalar values.
    const stack: { start: number; children: number[]; keys: unknown[] }[] = [];
    let nodes = 0;
    const options: jsYaml.LoadOptions = {
      filename: file,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ start: state.position, children: [], keys: [] });
          return;
        }
        const frame = stack.pop();
        if (!frame) return;
        nodes++;
        const result: unknown = state.result;
        // An empty value has no text of its own: point just after its key's colon.
        const start = result === null ? frame.start : skipToNode(text, frame.start);
        const parent = stack[stack.length - 1];
        if (parent) {
          parent.children.push(start);
          parent.keys.push(typeof result === 'object' ? undefined : result);
        }
        if (result === null || typeof result !== 'object' || offsets.has(result)) return;
        if (Array.isArray(result)) {
          offsets.set(result, { self: start, items: frame.children });
        } else if (state.kind === 'mapping') {
          const keys = new Map<string, [number, number]>();
          for (let i = 0; i + 1 < frame.children.length; i += 2) {
            keys.set(String(frame.keys[i]), [frame.children[i]!, frame.children[i + 1]!]);
          }
          offsets.set(result, { self: start, keys });
        }
      },
    };
    let documents: unknown[];
    try {
      documents = many ? jsYaml.loadAll(text, undefined, options) : [jsYaml.load(text, options)];
    } catch (error) {
      throw syntaxError(file, error);
    }
    const lines: LineIndex = {};
    const sources = documents.map((value) => new YamlSource(file, text, value, offsets, lines));
    // Only an anchor (`&name`) can be aliased: without one there is nothing to expand.
    if (text.includes('&')) for (const source of sources) source.checkAliasExpansion(nodes);
    return sources;
  }

  /** Where the value at `path` starts; with `key`, where its key starts. */
  locate(path: YamlPath, part: 'value' | 'key' = 'value'): Location {
    let node: unknown = this.value;
    let offset = 0;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      if (node === null || typeof node !== 'object') break;
      const meta = this.offsets.get(node);
      if (!meta) break;
      offset = meta.self;
      const last = i === path.length - 1;
      if (meta.keys && typeof segment === 'string') {
        const pair = meta.keys.get(segment);
        if (!pair) break;
        offset = last && part === 'key' ? pair[0] : pair[1];
      } else if (meta.items && typeof segment === 'number') {
        const item = meta.items[segment];
        if (item === undefined) break;
        offset = item;
      } else break;
      node = (node as Record<string | number, unknown>)[segment];
    }
    return this.locationOf(offset);
  }

  /** Line and column (from 1) of a byte offset. */
  locationOf(offset: number): Location {
    const starts = (this.lines.starts ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1, column: offset - starts[low]! + 1 };
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

function lineStartsOf(text: string): number[] {
  const starts = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  return starts;
}

/** js-yaml opens a node before the blanks, comments, anchor and tag that precede it. */
function skipToNode(text: string, offset: number): number {
  let at = offset;
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === 32 || c === 9 || c === 10 || c === 13) at++;
    else if (c === 35 /* # */) {
      const end = text.indexOf('\n', at);
      if (end === -1) return text.length;
      at = end + 1;
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

import { plainText, spansOf } from './markdown.ts';
import { clustersIn, sectionOf, titleAndAside } from './phrases.ts';
import type { HeadingContext, ImportState } from './reader.ts';

/** A heading: the section, range or clusters it opens for the lines under it. */
export function readHeading(state: ImportState, level: number, raw: string, line: number): void {
  while (state.headings.length > 0 && state.headings[state.headings.length - 1]!.level >= level) state.headings.pop();
  const parent = state.context().kind;
  const text = plainText(raw);
  const context: HeadingContext = { level };
  state.crossComment = undefined;
  const ranged = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(text);
  const spans = ranged ? spansOf(ranged[2]!) : undefined;
  const undefinedRange = /^(.+?)\s*\(undefined range\)$/.exec(text);
  if (parent === 'cross' && level > 1) {
    // "From Studio to Forge", "From any cluster to Big Data": the cluster reached.
    const reached = /\bto\s+(?:the\s+)?(.+?)(?:\s+clusters?)?$/i.exec(text)?.[1];
    const known = reached === undefined ? undefined : state.knownCluster(reached);
    const target = known ?? /^[A-Za-z][\w-]*/.exec(reached ?? '')?.[0];
    if (target) context.target = known ?? state.clusterNamed(target, line);
    else state.prose.push(line);
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
    } else state.proseOrUnplaced(line, raw, 'a heading that names no range, cluster or section');
  }
  state.headings.push(context);
}

/** `Forge Zone and Studio clusters`: clusters already seen, named by title or name; undefined unless all are. */
function knownClusterList(state: ImportState, text: string): string[] | undefined {
  const list = /^(.+?)\s+clusters?$/i.exec(text)?.[1];
  if (list === undefined) return undefined;
  const names = list.split(/\s*,\s*|\s+and\s+/).map((word) => state.knownCluster(word));
  return names.every((name) => name !== undefined) ? [...new Set(names as string[])] : undefined;
}

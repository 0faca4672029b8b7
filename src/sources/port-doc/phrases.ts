import { slugOf } from './markdown.ts';

/** What a part of a port document holds, as its heading says. */
export type SectionKind = 'services' | 'ranges' | 'clusters' | 'reserved' | 'free' | 'rules' | 'cross' | 'findings' | 'prose';

/** Heading words -> what the section holds, tried in order. */
const SECTION_WORDS: readonly [RegExp, SectionKind][] = [
  [/\bwhat\b.*\bcheck\b.*\bfound\b|\bcheck findings\b|^findings$/i, 'findings'],
  [/cross[- ]?cluster/i, 'cross'],
  [/\brules\b|\bconventions\b|\bguidelines\b|\bpolicy\b/i, 'rules'],
  [/\breserved\b/i, 'reserved'],
  [/\bnext (?:free|available)\b|\b(?:free|available|unused|unassigned|spare) (?:node ?)?ports\b/i, 'free'],
  [/^clusters$/i, 'clusters'],
  [/^(port )?ranges$|\bport ranges\b/i, 'ranges'],
  [/\boverview\b|\brelated\b|\bconflicts\b|\btroubleshoot|\bintroduction\b|\babout\b|\bhistory\b|\bcontacts?\b|\bsee also\b|\breferences\b|\bchangelog\b/i, 'prose'],
  [/\bservices\b|\bports\b|\bport map|\ballocations\b|\bapplications\b|\bworkloads\b/i, 'services'],
];

/** The kind of section a heading opens, if its words say. */
export function sectionOf(heading: string): SectionKind | undefined {
  for (const [words, kind] of SECTION_WORDS) if (words.test(heading)) return kind;
  return undefined;
}

/** Words that stand before "cluster" without naming one ("across clusters", "remote cluster"). */
const NOT_CLUSTER_NAMES = new Set(
  'a an the this that these those each every all any both other another same different multiple several many one two three remote local single your our their kubernetes k8s across per new source target home main'.split(' '),
);

/** The clusters a phrase names, and the words that named them. */
export interface ClusterPhrase {
  /** The names as written (`Pro`, `Studio`), or `all`. */
  names: string[] | 'all';
  /** The words of the phrase, to take out of a comment: `Pro/Studio Clusters`. */
  phrase: string;
}

const LIST = String.raw`[A-Za-z][\w-]*(?:\s*(?:/|,|&|\band\b)\s*[A-Za-z][\w-]*)*`;
const ALL_CLUSTERS = /\b(?:all|any|every)\s+clusters?\b/i;
const NAMES_BEFORE = new RegExp(String.raw`\b(${LIST})\s+clusters?\b`, 'i');
const NAMES_AFTER = new RegExp(String.raw`\bclusters?\s*[:=]\s*(${LIST})`, 'i');

/**
 * The clusters named in a heading or comment: `Forge Cluster`, `Pro/Studio Clusters`,
 * `Pro and Studio clusters`, `Cluster: forge`, `All clusters`.
 */
export function clustersIn(text: string): ClusterPhrase | undefined {
  const all = ALL_CLUSTERS.exec(text);
  if (all) return { names: 'all', phrase: all[0] };
  for (const pattern of [NAMES_BEFORE, NAMES_AFTER]) {
    const match = pattern.exec(text);
    if (!match) continue;
    const names = match[1]!
      .split(/\s*(?:\/|,|&|\band\b)\s*/i)
      .map((name) => name.trim())
      .filter((name) => name && !NOT_CLUSTER_NAMES.has(name.toLowerCase()));
    if (names.length > 0) return { names, phrase: match[0] };
  }
  return undefined;
}

/** A comment's title and aside once its cluster phrase is taken out: `Knative Serving (system)`. */
export function titleAndAside(text: string, phrase?: string): { title: string; aside?: string } {
  let rest = phrase ? text.replace(phrase, ' ') : text;
  rest = rest.replace(/\(\s*\)/g, ' ').replace(/\s+/g, ' ').trim();
  rest = rest.replace(/^[-–—:,;\s]+|[-–—:,;\s]+$/g, '');
  const aside = /\(([^()]*)\)\s*$/.exec(rest);
  const title = (aside ? rest.slice(0, aside.index) : rest).replace(/[-–—:,;\s]+$/, '').trim();
  return aside?.[1]?.trim() ? { title, aside: aside[1].trim() } : { title };
}

/** A note written as a sentence: `event bus for serverless` -> `Event bus for serverless.` */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** What the status words of a note say: legacy, reserved, or nothing. */
export function statusIn(text: string): 'legacy' | 'reserved' | undefined {
  if (/\blegacy\b|\bdeprecated\b|\bbeing replaced\b|\bto be removed\b|\bobsolete\b|\bretir(?:ing|ed)\b|\bdecommissioned\b|\bstruck through\b/i.test(text)) return 'legacy';
  if (/\breserved\b|\bplanned\b|\bnot yet deployed\b|\bfuture\b/i.test(text)) return 'reserved';
  return undefined;
}

/** The words after "replaced by" in a note, if any. */
export function replacementIn(text: string): string | undefined {
  return /\breplaced by\s+(.+)$/i.exec(text)?.[1]?.replace(/`/g, '').trim();
}

/**
 * A range's registry name from what the document calls it: `AI/ML Services` -> `ai-ml`
 * (the trailing "services" says nothing a range name needs).
 */
export function rangeNameOf(text: string): string {
  const slug = slugOf(text);
  const short = slug.replace(/-services?$/, '');
  return short || slug;
}

/** True when a title says no more than the name: `Ollama` for `ollama`, `cert-manager`. */
export function titleAddsNothing(title: string, name: string): boolean {
  return title === name || title === name[0]!.toUpperCase() + name.slice(1);
}

/** True when a note says the service is gone: `removed`, `deleted` (not "to be removed"). */
export function removedIn(text: string): boolean {
  return /^\s*(?:removed|deleted|gone)\b/i.test(text) && !/\bto be removed\b/i.test(text);
}

/** True for a cell or label that says a port is free: `**AVAILABLE**`, `free`, `unused`, `Next available`. */
export function saysFree(text: string): boolean {
  return /^(?:next\s+)?(?:available|free|unused|unassigned|spare|not in use)(?:\s+ports?)?$/i.test(text.replace(/[*_`~]/g, '').trim());
}

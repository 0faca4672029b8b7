import type { Location, PortSpan } from './types.ts';

/**
 * The parts of the port document that Portolan writes, in the order it writes them. Each is a
 * region between `<!-- portolan:begin NAME -->` and `<!-- portolan:end -->`; everything outside
 * the regions is the team's own and is kept byte for byte.
 */
export const DOCS_SECTIONS = ['notice', 'ranges', 'clusters', 'services', 'reserved', 'rules', 'access', 'findings'] as const;

/** One generated region of the port document. */
export type DocsSection = (typeof DOCS_SECTIONS)[number];

/** Where a block of the team's prose stands: after the title, or after a generated region. */
export type ProsePlace = 'title' | Exclude<DocsSection, 'notice'>;

/** The places prose may stand, in document order. */
export const PROSE_PLACES: readonly ProsePlace[] = ['title', 'ranges', 'clusters', 'services', 'reserved', 'rules', 'access', 'findings'];

/** A block of the team's own Markdown, kept in the registry so a fresh document carries it. */
export interface ProseBlock {
  after: ProsePlace;
  text: string;
}

/** Ports a port document said were free ("Next available ports", `| 31500 | AVAILABLE |`). */
export interface FreePortNote {
  spans: PortSpan[];
  note: string;
  /** Where the registry keeps the note. */
  at?: Location;
}

/** The registry's `docs:` settings: the document's file, title, prose, and the free ports it listed. */
export interface DocsSettings {
  file?: string;
  title?: string;
  prose: ProseBlock[];
  free: FreePortNote[];
}

/** The title a document gets when the registry names none. */
export const DEFAULT_DOCS_TITLE = 'Port plan';

/** The line that opens a generated region. */
export function beginMarker(section: DocsSection): string {
  return `<!-- portolan:begin ${section} -->`;
}

/** The line that closes a generated region. */
export const END_MARKER = '<!-- portolan:end -->';

/** A marker line: `{ begin: NAME }`, `{ end: true }`, or undefined for any other line. */
export function markerOf(line: string): { begin: string } | { end: true } | undefined {
  const match = /^\s*<!--\s*portolan:(begin|end)\b\s*([^\s>]*)[^>]*?-->\s*$/.exec(line);
  if (!match) return undefined;
  return match[1] === 'end' ? { end: true } : { begin: match[2]!.replace(/[:,;]$/, '') };
}

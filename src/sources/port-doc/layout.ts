import { DOCS_SECTIONS, type DocsSection, type ProseBlock, type ProsePlace } from '../../core/docs.ts';
import type { SectionKind } from './phrases.ts';
import type { ImportState } from './reader.ts';

/**
 * A stretch of the document as `docs --adopt` and the import see it: the title line, the team's
 * prose (kept), or a part Portolan owns (its ports, replaced by the generated region `section`).
 * Lines are 1-based and inclusive.
 */
export interface DocumentPart {
  kind: 'title' | 'prose' | 'owned';
  section?: DocsSection;
  start: number;
  end: number;
}

/** The generated region that stands for a section of each kind. */
const REGION_OF: Record<Exclude<SectionKind, 'prose'>, DocsSection> = {
  services: 'services',
  ranges: 'ranges',
  free: 'ranges',
  clusters: 'clusters',
  reserved: 'reserved',
  rules: 'rules',
  cross: 'access',
  findings: 'findings',
};

/**
 * The document cut into title, prose and owned parts. A document with portolan markers is cut at
 * them; any other by its headings: a section is Portolan's when it holds something the import
 * placed, when its heading names a port section, or when a section under it is Portolan's.
 */
export function documentLayout(state: ImportState): DocumentPart[] {
  const count = state.lines.length;
  const parts: DocumentPart[] = [];
  const titleLine = state.title?.line;
  const push = (part: DocumentPart) => {
    if (part.end < part.start) return;
    const last = parts[parts.length - 1];
    if (last && last.kind === 'prose' && part.kind === 'prose' && last.end + 1 === part.start) last.end = part.end;
    else parts.push(part);
  };
  const outside = (start: number, end: number) => {
    if (titleLine !== undefined && titleLine >= start && titleLine <= end) {
      push({ kind: 'prose', start, end: titleLine - 1 });
      push({ kind: 'title', start: titleLine, end: titleLine });
      push({ kind: 'prose', start: titleLine + 1, end });
    } else push({ kind: 'prose', start, end });
  };
  if (state.regions.length > 0) {
    let next = 1;
    for (const region of state.regions) {
      outside(next, region.begin - 1);
      const known = (DOCS_SECTIONS as readonly string[]).includes(region.section);
      push({ kind: 'owned', ...(known ? { section: region.section as DocsSection } : {}), start: region.begin, end: region.end });
      next = region.end + 1;
    }
    outside(next, count);
    return parts;
  }
  const headings = [...state.outline].sort((a, b) => a.line - b.line);
  const unplaced = new Set(state.unplaced.map((u) => u.line));
  const prose = new Set(state.prose);
  const example = new Set<number>();
  for (const e of state.examples) for (let n = e.line; n <= e.end; n++) example.add(n);
  const headingLines = new Set(headings.map((h) => h.line));
  const data = (n: number) => {
    const text = state.lines[n - 1] ?? '';
    return text.trim() !== '' && !prose.has(n) && !unplaced.has(n) && !example.has(n) && !state.fenceLines.has(n) && !headingLines.has(n);
  };
  const ends = headings.map((h, i) => (headings[i + 1]?.line ?? count + 1) - 1);
  const owned = headings.map(() => false);
  for (let i = headings.length - 1; i >= 0; i--) {
    const heading = headings[i]!;
    if (heading.kind === 'prose' || heading.line === titleLine) continue;
    let held = heading.entry || heading.recognised;
    for (let n = heading.line + 1; !held && n <= ends[i]!; n++) held = data(n);
    for (let j = i + 1; !held && j < headings.length && headings[j]!.level > heading.level; j++) held = owned[j]!;
    owned[i] = held;
  }
  outside(1, (headings[0]?.line ?? count + 1) - 1);
  headings.forEach((heading, i) => {
    if (heading.line === titleLine) {
      push({ kind: 'title', start: heading.line, end: heading.line });
      let body = false;
      for (let n = heading.line + 1; !body && n <= ends[i]!; n++) body = data(n);
      push(body ? { kind: 'owned', section: regionOf(heading.kind), start: heading.line + 1, end: ends[i]! } : { kind: 'prose', start: heading.line + 1, end: ends[i]! });
    } else if (owned[i]) push({ kind: 'owned', section: regionOf(heading.kind), start: heading.line, end: ends[i]! });
    else push({ kind: 'prose', start: heading.line, end: ends[i]! });
  });
  return withOldNotice(state, parts);
}

/** The notice an older `portolan docs` wrote without markers (`> Generated from ... by \`portolan docs\``). */
const OLD_NOTICE = /^> (?:Generated from `[^`]*` by `portolan docs`|`portolan docs --check` fails|Last updated: \S+\s*$)|^>\s*$/;

/** A document generated before markers: its notice is Portolan's, not the team's prose. */
function withOldNotice(state: ImportState, parts: DocumentPart[]): DocumentPart[] {
  const start = state.lines.findIndex((line) => /^> Generated from `[^`]*` by `portolan docs`/.test(line));
  if (start < 0) return parts;
  let end = start;
  while (end + 1 < state.lines.length && OLD_NOTICE.test(state.lines[end + 1]!)) end++;
  const [from, to] = [start + 1, end + 1];
  return parts.flatMap((part): DocumentPart[] => {
    if (part.kind !== 'prose' || part.start > from || part.end < to) return [part];
    return [
      ...(part.start < from ? [{ ...part, end: from - 1 }] : []),
      { kind: 'owned', section: 'notice', start: from, end: to },
      ...(to < part.end ? [{ ...part, start: to + 1 }] : []),
    ];
  });
}

function regionOf(kind: SectionKind): DocsSection {
  return kind === 'prose' ? 'services' : REGION_OF[kind];
}

/**
 * The document as it stands once marked: its title and prose parts in place, each generated region
 * where the first part of its kind stood (later parts of that kind are dropped), the notice before
 * the first region, and the regions it had no part for after the region before them in the usual order.
 */
export function markedOrder(layout: DocumentPart[]): (DocumentPart | DocsSection)[] {
  const slots: (DocumentPart | DocsSection)[] = [];
  const placed = new Set<DocsSection>();
  for (const part of layout) {
    if (part.kind !== 'owned') {
      slots.push(part);
      continue;
    }
    const section = part.section ?? 'services';
    if (placed.has(section)) continue;
    placed.add(section);
    slots.push(section);
  }
  if (!placed.has('notice')) {
    const first = slots.findIndex((slot) => typeof slot === 'string');
    const titleAt = slots.findIndex((slot) => typeof slot !== 'string' && slot.kind === 'title');
    slots.splice(first >= 0 ? first : titleAt + 1, 0, 'notice');
    placed.add('notice');
  }
  for (const section of DOCS_SECTIONS) {
    if (placed.has(section)) continue;
    const earlier = DOCS_SECTIONS.slice(0, DOCS_SECTIONS.indexOf(section));
    let at = -1;
    slots.forEach((slot, i) => {
      if (typeof slot === 'string' && earlier.includes(slot)) at = i;
    });
    slots.splice(at + 1, 0, section);
    placed.add(section);
  }
  return slots;
}

/** The document's prose as the registry keeps it: each block after the title or the generated region it follows once marked. */
export function proseBlocks(state: ImportState, parts: DocumentPart[]): ProseBlock[] {
  const blocks: ProseBlock[] = [];
  let after: ProsePlace = 'title';
  for (const slot of markedOrder(parts)) {
    if (typeof slot === 'string') {
      if (slot !== 'notice') after = slot;
      continue;
    }
    if (slot.kind !== 'prose') continue;
    const lines = state.lines.slice(slot.start - 1, slot.end);
    while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    if (lines.length === 0) continue;
    const previous = blocks[blocks.length - 1];
    if (previous && previous.after === after) previous.text += `\n\n${lines.join('\n')}`;
    else blocks.push({ after, text: lines.join('\n') });
  }
  return blocks;
}

import { PORT_MAX, PORT_MIN } from '../../core/span.ts';
import type { PortSpan, Protocol } from '../../core/types.ts';

/** A Markdown heading: its level (1-6) and text. */
export interface Heading {
  level: number;
  text: string;
}

/** Reads `## Title` (and `## Title ##`); undefined for any other line. */
export function headingOf(line: string): Heading | undefined {
  const match = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
  return match ? { level: match[1]!.length, text: match[2]! } : undefined;
}

/** Reads a code fence line (```yaml, ~~~); undefined for any other line. */
export function fenceOf(line: string): { marker: string; info: string } | undefined {
  const match = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
  return match ? { marker: match[1]!, info: match[2]!.trim().toLowerCase() } : undefined;
}

/** True for a line of a Markdown table (it starts with a pipe). */
export function isTableRow(line: string): boolean {
  return /^\s*\|/.test(line);
}

/** True for a table's header separator, `|---|:---:|`. */
export function isTableSeparator(line: string): boolean {
  return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);
}

/** The cells of a table row, trimmed, with `\|` read as a pipe and `\\` as a backslash. */
export function cellsOf(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === '\\' && (body[i + 1] === '|' || body[i + 1] === '\\')) {
      cell += body[i + 1];
      i++;
    } else if (char === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

/** Writes a table cell: pipes escaped, line breaks flattened. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text without Markdown emphasis, strikethrough, code marks and link targets: `**Reserve** [x](y)` -> `Reserve x`. */
export function plainText(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\s][^*_]*?)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .trim();
}

/**
 * A registry name for what a document calls something: `AI/ML Services` -> `ai-ml-services`,
 * `Headlamp (Flux UI)` -> `headlamp`. Empty when nothing of the text can be used.
 */
export function slugOf(text: string): string {
  const withoutAside = text.replace(/\([^)]*\)/g, ' ').trim() || text;
  return withoutAside
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** A port number, or undefined when the text is not one. */
export function portOf(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const port = Number(text);
  return port >= PORT_MIN && port <= PORT_MAX ? port : undefined;
}

/** Reads `80, 443`, `30100-30199`, `30100–30199` or `8080 - 8089`; undefined when the text is not spans. */
export function spansOf(text: string): PortSpan[] | undefined {
  const parts = plainText(text).split(/\s*(?:,|;|\band\b)\s*/).filter(Boolean);
  if (parts.length === 0) return undefined;
  const spans: PortSpan[] = [];
  for (const part of parts) {
    const match = /^(\d{1,5})(?:\s*[-–—]\s*(\d{1,5}))?$/.exec(part);
    if (!match) return undefined;
    const from = portOf(match[1]!);
    const to = match[2] === undefined ? from : portOf(match[2]);
    if (from === undefined || to === undefined || to < from) return undefined;
    spans.push({ from, to });
  }
  return spans;
}

/** Reads `TCP`, `udp`; undefined for anything else. */
export function protocolOf(text: string): Protocol | undefined {
  const upper = text.trim().toUpperCase();
  return upper === 'TCP' || upper === 'UDP' || upper === 'SCTP' ? upper : undefined;
}

/** True for text with struck-through words (`~~old-agent: 30500~~`): a retired entry. */
export function isStruck(text: string): boolean {
  return /~~[^~]+~~/.test(text);
}

/** What an entry's comment becomes when its line is struck through. */
export function struckComment(comment: string | undefined): string {
  return comment ? `${comment} (struck through in the port document)` : 'Struck through in the port document.';
}

/** For each line, true when it lies inside a fenced block (the fence lines included): Markdown shown, not meant. */
export function fencedLines(lines: readonly string[]): boolean[] {
  const inside = lines.map(() => false);
  for (let i = 0; i < lines.length; i++) {
    const fence = fenceOf(lines[i]!);
    if (!fence) continue;
    let end = i + 1;
    while (end < lines.length && !closesFence(lines[end]!, fence.marker)) end++;
    for (let n = i; n <= Math.min(end, lines.length - 1); n++) inside[n] = true;
    i = end;
  }
  return inside;
}

/** True for the line that closes a fence opened with `marker`. */
export function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(marker) && new RegExp(`^\\${marker[0]}+$`).test(trimmed);
}

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DOCS_SECTIONS, markerOf, type DocsSection } from '../core/docs.ts';
import { fileError, InputError, InputErrors, UsageError } from '../core/errors.ts';
import type { Registry } from '../core/types.ts';
import { unifiedDiff } from '../reporters/line-diff.ts';
import { markedRegion, portDocument, portDocumentRegions, type PortDocumentOptions, type PortDocumentRegions } from '../reporters/port-document.ts';
import { importPortDocument, markedOrder } from '../sources/port-doc/index.ts';
import { fencedLines } from '../sources/port-doc/markdown.ts';
import { checkRegistry } from './check.ts';
import { portPlan } from './queries.ts';
import { containedPath, repositoryRoot } from '../registry/contain.ts';
import { readTextFile } from '../registry/read-file.ts';
import { lineEndOf, toLf, withLineEnd } from '../core/line-ends.ts';

/** What `portolan docs` is asked to do. */
export interface DocsRequest extends PortDocumentOptions {
  registry: Registry;
  /** The registry file's path, as the registry's `docs:` path is relative to its folder. */
  registryFile: string;
  /** print: the document on stdout; write: update the file; check: compare the file's generated regions. */
  mode: 'print' | 'write' | 'check';
  /** The document's path; the registry's `docs:` path when absent. */
  file?: string;
  /** With write: put markers into a document that has none, keeping its prose. */
  adopt?: boolean;
  /** How the file is named in messages. */
  shown?: (file: string) => string;
  /** Let the registry's `docs:` path lie outside the registry's repository. */
  allowOutside?: boolean;
}

/** What `portolan docs` did. */
export type DocsOutcome =
  | { mode: 'print'; text: string }
  | { mode: 'write'; file: string; text: string; changed: boolean; how: 'created' | 'updated' | 'adopted' | 'unchanged' }
  | { mode: 'check'; file: string; status: 'current' | 'stale' | 'missing'; diff?: string };

/** A generated region found in a document: its marker lines, 0-based. */
interface FoundRegion {
  section: DocsSection;
  begin: number;
  end: number;
}

/**
 * Renders, writes or checks the registry's port document. Writing an existing document rewrites
 * only what lies between its portolan markers; a document without markers is refused (exit 2)
 * unless `adopt` asks to mark it. Checking compares only the generated regions.
 */
export function runDocs(request: DocsRequest): DocsOutcome {
  const { registry } = request;
  const options: PortDocumentOptions = { ...(request.title !== undefined ? { title: request.title } : {}), ...(request.date !== undefined ? { date: request.date } : {}) };
  const plan = portPlan(registry, checkRegistry(registry));
  if (request.mode === 'print') return { mode: 'print', text: portDocument(plan, options) };
  const file = request.file ?? docsFile(request.registryFile, registry, request);
  if (file === undefined) throw new UsageError(`${request.mode === 'write' ? '--write' : '--check'} needs FILE, or \`docs: PORTS.md\` in ${registry.file}`);
  const shown = request.shown?.(file) ?? file;
  if (existsSync(file) && statSync(file).isDirectory()) throw fileError(shown, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), "give the document's file, such as PORTS.md");
  const regions = portDocumentRegions(plan, options);
  const existing = existsSync(file) ? readTextFile(file, shown) : undefined;
  if (request.mode === 'check') {
    if (existing === undefined) return { mode: 'check', file, status: 'missing' };
    const current = toLf(existing);
    const found = regionsOf(current, shown);
    if (found.length === 0) throw unmarked(shown);
    const expected = spliceRegions(current, found, regions);
    if (expected === current) return { mode: 'check', file, status: 'current' };
    return { mode: 'check', file, status: 'stale', diff: unifiedDiff(current, expected, { before: `${shown} (on disk)`, after: `${shown} (from ${registry.file})` }) };
  }
  if (existing === undefined) return { mode: 'write', file, text: portDocument(plan, options), changed: true, how: 'created' };
  const eol = lineEndOf(existing);
  const current = toLf(existing);
  const found = regionsOf(current, shown);
  let text: string;
  let how: 'updated' | 'adopted';
  if (found.length > 0) {
    text = spliceRegions(current, found, regions);
    how = 'updated';
  } else if (request.adopt) {
    text = adoptDocument(current, regions);
    how = 'adopted';
  } else throw unmarked(shown);
  const written = withLineEnd(text, eol);
  return { mode: 'write', file, text: written, changed: written !== existing, how: written === existing ? 'unchanged' : how };
}

/**
 * The document the registry's `docs:` names, regenerated after a change to the registry: only
 * its generated regions when it has markers, the whole of it when it does not exist yet, and
 * nothing (undefined) when it has no markers, since it is never replaced silently.
 */
export function regeneratedDocument(registryFile: string, registry: Registry, options: { allowOutside?: boolean } = {}): { file: string; text: string } | undefined {
  const file = docsFile(registryFile, registry, options);
  if (file === undefined) return undefined;
  if (existsSync(file)) {
    const existing = toLf(readTextFile(file, file));
    try {
      if (regionsOf(existing, file).length === 0) return undefined;
    } catch {
      return undefined;
    }
  }
  const outcome = runDocs({ registry, registryFile, mode: 'write', file });
  return outcome.mode === 'write' ? { file, text: outcome.text } : undefined;
}

/**
 * The path of the document the registry names, relative to the registry's folder; refused (an
 * InputError at `docs:`) when it leaves the registry's repository, unless `allowOutside`.
 */
export function docsFile(registryFile: string, registry: Registry, options: { allowOutside?: boolean } = {}): string | undefined {
  if (registry.docs === undefined) return undefined;
  const folder = dirname(resolve(registryFile));
  if (options.allowOutside) return resolve(folder, registry.docs);
  return containedPath(registry.docs, folder, repositoryRoot(registryFile), { name: 'docs', ...(registry.docsAt ? { at: registry.docsAt } : {}) });
}

function unmarked(shown: string): InputError {
  return new InputError(
    `${shown} has no portolan markers, so it is not replaced`,
    { file: shown, line: 1, column: 1 },
    `run \`portolan docs --write --adopt\` to put markers around the parts Portolan writes (ranges, services, reserved ports, ...) and keep the rest of ${shown} as it is`,
  );
}

/** The generated regions of a document; markers out of order, unknown or unclosed are an InputError with their place. */
export function regionsOf(text: string, shown: string): FoundRegion[] {
  const lines = text.split(/\r?\n/);
  const found: FoundRegion[] = [];
  const problems: InputError[] = [];
  let open: { section: DocsSection; begin: number } | undefined;
  const seen = new Set<string>();
  const fenced = fencedLines(lines);
  lines.forEach((line, i) => {
    // Markers shown in a fenced block are an example of the syntax, not a region.
    const marker = fenced[i] ? undefined : markerOf(line);
    if (!marker) return;
    const at = { file: shown, line: i + 1, column: line.search(/\S/) + 1 };
    if ('end' in marker) {
      if (!open) problems.push(new InputError('portolan:end without a portolan:begin above it', at, 'remove it, or add the `<!-- portolan:begin SECTION -->` it closes'));
      else found.push({ ...open, end: i });
      open = undefined;
      return;
    }
    if (open) problems.push(new InputError(`portolan:begin ${marker.begin} inside the region ${open.section} (line ${open.begin + 1})`, at, 'close the region above with `<!-- portolan:end -->` first'));
    if (!(DOCS_SECTIONS as readonly string[]).includes(marker.begin)) {
      problems.push(new InputError(`unknown portolan region "${marker.begin}"`, at, `the regions are ${DOCS_SECTIONS.join(', ')}`));
      open = undefined;
      return;
    }
    if (seen.has(marker.begin)) problems.push(new InputError(`a second portolan region ${marker.begin}`, at, 'keep one region of each name'));
    seen.add(marker.begin);
    open = { section: marker.begin as DocsSection, begin: i };
  });
  if (open) {
    const { section, begin } = open;
    problems.push(new InputError(`portolan:begin ${section} is never closed`, { file: shown, line: begin + 1, column: 1 }, 'add `<!-- portolan:end -->` where the generated text ends'));
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new InputErrors(problems);
  return found;
}

/**
 * The document with each region's lines replaced by the generated ones; a region it lacks is
 * added after the region before it in the usual order. Everything outside the markers is kept.
 */
export function spliceRegions(text: string, found: FoundRegion[], regions: PortDocumentRegions): string {
  const lines = text.split('\n');
  const replaced = new Map<number, string[]>();
  const skipped = new Set<number>();
  for (const region of found) {
    replaced.set(region.begin, markedRegion(region.section, regions[region.section]));
    for (let i = region.begin + 1; i <= region.end; i++) skipped.add(i);
  }
  const present = new Set(found.map((r) => r.section));
  const byOrder = [...found].sort((a, b) => DOCS_SECTIONS.indexOf(a.section) - DOCS_SECTIONS.indexOf(b.section));
  const insertAfter = new Map<number, DocsSection[]>();
  const insertBefore: DocsSection[] = [];
  for (const section of DOCS_SECTIONS) {
    if (present.has(section)) continue;
    const before = byOrder.filter((r) => DOCS_SECTIONS.indexOf(r.section) < DOCS_SECTIONS.indexOf(section)).pop();
    if (before) insertAfter.set(before.end, [...(insertAfter.get(before.end) ?? []), section]);
    else insertBefore.push(section);
  }
  const out: string[] = [];
  const first = Math.min(...found.map((r) => r.begin));
  lines.forEach((line, i) => {
    if (i === first) for (const section of insertBefore) out.push(...markedRegion(section, regions[section]), '');
    if (skipped.has(i)) {
      if (insertAfter.has(i) && found.some((r) => r.end === i)) for (const section of insertAfter.get(i)!) out.push('', ...markedRegion(section, regions[section]));
      return;
    }
    const region = replaced.get(i);
    out.push(...(region ?? [line]));
  });
  return out.join('\n');
}

/**
 * Marks a document that has none: the parts the import reads as Portolan's (its tables and lists
 * of ranges, services, reserved ports, rules and addresses) become generated regions, each where
 * the first such part stood; the title, the introduction and the team's own sections stay as they are.
 */
export function adoptDocument(text: string, regions: PortDocumentRegions): string {
  const { layout } = importPortDocument('document', text);
  const lines = text.split('\n');
  const out: string[] = [];
  for (const slot of markedOrder(layout)) {
    if (typeof slot !== 'string') {
      const body = lines.slice(slot.start - 1, slot.end);
      // Blank lines left between two regions are the regions' own spacing.
      if (!body.every((line) => line.trim() === '') || out[out.length - 1] !== '') out.push(...body);
      continue;
    }
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push(...markedRegion(slot, regions[slot]), '');
  }
  // The team's text keeps its own ending; after a region at the end, the file ends with a newline.
  if (out[out.length - 1] !== '') out.push('');
  return out.join('\n');
}

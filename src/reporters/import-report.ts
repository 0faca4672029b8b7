import { formatSpans, portsToSpans } from '../core/span.ts';
import type { ImportOutcome } from '../engine/import-doc.ts';

/**
 * The import's account of a document, one line each: what it read, repairs, decisions (merged
 * listings, rows left out), free ports and examples noted, lines not placed, prose kept, and what
 * check found. Pure: the CLI prints it on stderr.
 */
export function importReport(outcome: ImportOutcome, file: string, target: string, toStdout: boolean): string {
  const { imported, registry } = outcome;
  const counts = [
    `${registry.ranges.length} ranges`,
    `${registry.clusters.length} clusters`,
    `${registry.services.length} services`,
    `${registry.reserved.length} reservations`,
    `${registry.notes.length} notes`,
  ];
  const lines = [`imported ${file} -> ${target}: ${counts.join(', ')}`];
  for (const repair of imported.repairs) {
    lines.push(
      repair.repaired === undefined
        ? `${file}:${repair.line}:${repair.column}: warning: text spoiled by a wrong encoding (U+FFFD) cannot be repaired`
        : `${file}:${repair.line}:${repair.column}: repaired "${repair.spoiled}" as "${repair.repaired}" (UTF-8 that was read as Windows-1252)`,
    );
  }
  for (const decision of imported.decisions) lines.push(`${file}:${decision.line}: note: ${decision.message}`);
  for (const free of imported.free) lines.push(`${file}:${free.line}: free: ${formatSpans(free.spans)} is listed as free ("${free.note}"); kept under docs.free, not as a service`);
  for (const example of imported.examples) lines.push(`${file}:${example.line}: example: ${example.what} (lines ${example.line}-${example.end}), not a list of ports`);
  for (const u of imported.unplaced) lines.push(`${file}:${u.line}:${u.column}: not placed: ${u.reason}: ${u.text}`);
  if (imported.prose.length > 0) lines.push(`prose, not imported: ${lineList(imported.prose)}`);
  const kept = imported.settings.prose.length;
  if (imported.settings.title !== undefined || kept > 0) {
    lines.push(`kept for the document: ${[imported.settings.title !== undefined ? 'its title' : '', kept > 0 ? `${kept} block${kept === 1 ? '' : 's'} of prose` : ''].filter(Boolean).join(' and ')} (docs.title, docs.prose)`);
  }
  const { errors, warnings, infos } = outcome.check.summary;
  lines.push(`check: ${errors} error(s), ${warnings} warning(s), ${infos} info; run \`portolan check${toStdout ? '' : ` ${target}`}\` to see them`);
  return lines.map((line) => `${line}\n`).join('');
}

/** `lines 3-4, 6, 10` */
function lineList(numbers: number[]): string {
  const spans = formatSpans(portsToSpans(numbers));
  return `${numbers.length === 1 ? 'line' : 'lines'} ${spans}`;
}

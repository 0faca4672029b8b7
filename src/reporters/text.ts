import { createColors } from 'picocolors';
import type { Finding, Location } from '../core/types.ts';
import type { Reporter } from './reporter.ts';
import { escapeControls } from '../core/escape.ts';

const ALL_CLUSTERS = 'all clusters';
const NO_RANGE = 'no range';

/** Findings grouped by cluster, then range, with a summary line; coloured on a terminal. */
export const text: Reporter = (result, { color, showSuppressed }) => {
  const c = createColors(color);
  const { findings, summary, suppressed } = result;
  // Every name, path and message is escaped before colour is added, so that only the colours are escape sequences.
  const e = escapeControls;
  const accepted = suppressed.length === 0 ? '' : showSuppressed ? `, ${suppressed.length} suppressed` : `, ${suppressed.length} suppressed (--show-suppressed lists them)`;
  const listed = showSuppressed ? suppressedLines(suppressed, c) : [];
  if (findings.length === 0) return `${listed.join('\n')}${c.green('✔')} no problems in ${e(result.files.join(', '))}${accepted ? ` (${accepted.slice(2)})` : ''}\n`;
  const byCluster = groupBy(findings, (f) => f.cluster ?? ALL_CLUSTERS);
  const clusters = [...byCluster.keys()].sort((a, b) => (a === ALL_CLUSTERS ? -1 : b === ALL_CLUSTERS ? 1 : a.localeCompare(b)));
  // With one file, as usual, name it once and give line:column after.
  const files = new Set(findings.map((f) => f.locations[0]?.file));
  const single = files.size === 1 ? [...files][0] : undefined;
  // An object read from a live cluster has no line: it is shown by its kubectl name alone.
  const where = (location: Location) =>
    e(location.line === 0 ? location.file : location.file === single ? `${location.line}:${location.column}` : `${location.file}:${location.line}:${location.column}`);
  const lines: string[] = single && findings[0]!.locations[0]!.line > 0 ? [c.underline(e(single)), ''] : [];
  for (const cluster of clusters) {
    lines.push(c.bold(e(cluster === ALL_CLUSTERS ? cluster : `cluster ${cluster}`)));
    const byRange = groupBy(byCluster.get(cluster)!, (f) => f.range ?? NO_RANGE);
    const ranges = [...byRange.keys()].sort((a, b) => (a === NO_RANGE ? 1 : b === NO_RANGE ? -1 : a.localeCompare(b)));
    for (const range of ranges) {
      lines.push(`  ${c.underline(e(range === NO_RANGE ? range : `range ${range}`))}`);
      for (const finding of byRange.get(range)!) {
        const [main, ...also] = finding.locations;
        const severity = finding.severity === 'error' ? c.red('error  ') : finding.severity === 'warning' ? c.yellow('warning') : c.blue('info   ');
        lines.push(`    ${main ? c.dim(where(main)) : ''}  ${severity}  ${e(finding.message)}  ${c.dim(e(finding.ruleId))}`);
        if (also.length > 0) lines.push(`      ${c.dim(`see also ${also.map(where).join(', ')}`)}`);
      }
    }
    lines.push('');
  }
  const total = findings.length;
  const counts = [`${summary.errors} error${summary.errors === 1 ? '' : 's'}`, `${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}`];
  if (summary.infos > 0) counts.push(`${summary.infos} info`);
  const mark = summary.errors > 0 ? c.red('✖') : c.yellow('⚠');
  lines.push(...listed);
  lines.push(c.bold(`${mark} ${total} problem${total === 1 ? '' : 's'} (${counts.join(', ')})${accepted}`));
  return `${lines.join('\n')}\n`;
};

/** The accepted findings, each with the reason it was accepted and where. */
function suppressedLines(suppressed: readonly Finding[], c: ReturnType<typeof createColors>): string[] {
  if (suppressed.length === 0) return [];
  const e = escapeControls;
  const where = (location: Location) => e(`${location.file}:${location.line}:${location.column}`);
  const lines = [c.bold('suppressed')];
  for (const finding of suppressed) {
    const main = finding.locations[0];
    lines.push(`  ${main ? c.dim(where(main)) : ''}  ${finding.severity.padEnd(7)}  ${e(finding.message)}  ${c.dim(finding.ruleId)}`);
    if (finding.suppression) lines.push(`    ${c.dim(`accepted: ${e(finding.suppression.reason)} (${where(finding.suppression.at)})`)}`);
  }
  return [...lines, ''];
}

function groupBy(findings: readonly Finding[], key: (finding: Finding) => string): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const name = key(finding);
    const group = groups.get(name);
    if (group) group.push(finding);
    else groups.set(name, [finding]);
  }
  return groups;
}

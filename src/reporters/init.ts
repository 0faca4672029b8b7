import { escapeControls } from '../core/escape.ts';
import type { InitResult } from '../engine/init.ts';
import type { ExcludedPath, RepoObservation } from '../core/types.ts';

/** What `portolan init` found, wrote, left out and why, and the command to run next. */
export function initText(result: InitResult): string {
  const lines: string[] = [];
  const counts = `${result.clusters.length} cluster${result.clusters.length === 1 ? '' : 's'}, ${result.services} service${result.services === 1 ? '' : 's'}, ${result.ranges.length} inferred range${result.ranges.length === 1 ? '' : 's'}`;
  lines.push(`${result.written ? 'wrote' : 'would write (--dry-run)'} ${result.file}: ${counts}`);
  if (result.imported) {
    const { file, ranges, services, added } = result.imported;
    lines.push(`from ${file}: ${ranges} ranges, ${services} services; added from the repository: ${added.length > 0 ? added.join(', ') : 'none'}`);
  }
  lines.push('', 'clusters');
  if (result.clusters.length === 0) lines.push('  none found: say where a cluster\'s manifests are with clusters.NAME.paths');
  for (const cluster of result.clusters) {
    const facts = [
      // The kind config is named on its own below.
      ...(cluster.how.length > 0 ? [`found by ${cluster.how.filter((how) => cluster.kindConfig === undefined || !how.startsWith('kind config')).join('; ') || 'its kind config'}`] : ['from the port document']),
      ...(cluster.kindConfig !== undefined ? [`kind config ${cluster.kindConfig}`] : []),
      ...(cluster.host !== undefined ? [`host ${cluster.host}`] : []),
      ...(cluster.server !== undefined ? [`server ${cluster.server}`] : []),
    ];
    lines.push(`  ${cluster.name}: ${facts.join(', ')}`);
  }
  if (result.ranges.length > 0) {
    lines.push('', 'ranges (drawn around node ports in the same hundreds)');
    for (const range of result.ranges) lines.push(`  ${range.name} ${range.ports.join(', ')}: ${range.services.join(', ')}`);
  }
  for (const { rule, why } of result.rulesOff) lines.push('', `rule ${rule} is off: ${why}`);
  lines.push(...leftOut(result.observed));
  const { errors, warnings, infos } = result.check;
  lines.push('', `check --repo with this registry: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info`);
  lines.push(`next: ${result.written ? result.next : `portolan init${result.imported ? ` --doc ${result.imported.file}` : ''} without --dry-run, then ${result.next}`}`);
  return escapeControls(`${lines.join('\n')}\n`);
}

/** The folders excluded, the values skipped and the files that could not be read, as `scan` and `init` list them. */
export function leftOut(observed: RepoObservation): string[] {
  const lines: string[] = [];
  if (observed.excluded.length > 0) {
    lines.push('', 'left out (scan.exclude in portolan.yaml decides; tests, examples and archives are not deployed)');
    for (const path of observed.excluded) lines.push(`  ${excludedLine(path)}`);
  }
  if (observed.skipped.length > 0) {
    lines.push('', 'skipped (not a port or a cluster until rendered, or not known)');
    for (const skip of observed.skipped) lines.push(`  ${skip.at.file}:${skip.at.line}:${skip.at.column}  ${skip.reason}: ${skip.text.trim()}`);
  }
  if (observed.problems.length > 0) {
    lines.push('', 'could not read');
    for (const problem of observed.problems) lines.push(`  ${problem.at.file}:${problem.at.line}:${problem.at.column}  ${problem.message}`);
  }
  return lines;
}

function excludedLine(path: ExcludedPath): string {
  return `${path.path} (${path.files} YAML file${path.files === 1 ? '' : 's'}, by ${path.glob})`;
}


import { RangeIndex } from '../core/range-index.ts';
import { SEVERITIES, type CheckResult, type Finding, type LiveObservation, type Registry, type RepoObservation, type Severity, type Summary } from '../core/types.ts';
import { rules as allRules } from '../rules/index.ts';
import type { Report, Rule } from '../rules/rule.ts';
import { registryClaims } from './claims.ts';

/** Options for a check run. */
export interface CheckOptions {
  /** The rules to run, by id; every rule when absent. */
  rules?: Readonly<Record<string, Rule>>;
  /** What a repository scan found; the drift rules compare it with the registry. */
  observed?: RepoObservation;
  /** What the live clusters run; the drift rules compare it with the registry and the repository. */
  live?: LiveObservation;
}

/** Runs the rules over the registry (and, with `observed`, over what a repository deploys) and labels what they report with id, severity and message. */
export function checkRegistry(registry: Registry, options: CheckOptions = {}): CheckResult {
  const rules = options.rules ?? allRules;
  const claims = registryClaims(registry);
  const ranges = new RangeIndex(registry.ranges);
  const findings: Finding[] = [];
  for (const [ruleId, rule] of Object.entries(rules)) {
    const setting = registry.rules.get(ruleId)?.setting ?? rule.meta.defaultSeverity;
    if (setting === 'off') continue;
    rule.check({
      registry,
      claims,
      ranges,
      ...(options.observed ? { observed: options.observed } : {}),
      ...(options.live ? { live: options.live } : {}),
      report: (report) => findings.push(label(ruleId, rule, setting, report)),
    });
  }
  // An object read from a live cluster is in no file (line 0): the cluster's entry in the registry
  // is added as the place a file-based reader (SARIF, code scanning) can show the finding at.
  if (options.live) {
    for (const finding of findings) {
      const cluster = finding.locations.every((l) => l.line === 0) ? registry.clusters.find((c) => c.name === finding.cluster) : undefined;
      if (cluster) finding.locations.push(cluster.at);
    }
  }
  findings.sort(compareFindings);
  const files = [registry.file, ...(options.observed ? [options.observed.root] : []), ...(options.live ? [options.live.root] : [])];
  return { findings, summary: summarize(findings), files };
}

/** Counts findings by severity. */
export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { errors: 0, warnings: 0, infos: 0 };
  for (const finding of findings) {
    if (finding.severity === 'error') summary.errors++;
    else if (finding.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return summary;
}

function label(ruleId: string, rule: Rule, severity: Severity, report: Report): Finding {
  const template = rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${ruleId} reported unknown message id ${report.messageId}`);
  const message = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(report.data[key] ?? `{{${key}}}`));
  return { ruleId, severity, message, ...report };
}

/** Findings in file order, then by severity and rule, so output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  const x = a.locations[0];
  const y = b.locations[0];
  return (
    (x && y ? x.file.localeCompare(y.file) || x.line - y.line || x.column - y.column : 0) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.cluster ?? '').localeCompare(b.cluster ?? '') ||
    a.message.localeCompare(b.message)
  );
}

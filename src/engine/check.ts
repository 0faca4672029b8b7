import { RangeIndex } from '../core/range-index.ts';
import { UsageError, type InputError } from '../core/errors.ts';
import { suggestion } from '../core/suggest.ts';
import { SEVERITIES, type CheckResult, type Finding, type Ignore, type LiveObservation, type Registry, type RepoObservation, type Severity, type Summary } from '../core/types.ts';
import { rules as allRules } from '../rules/index.ts';
import type { Report, Rule } from '../rules/rule.ts';
import { registryClaims } from './claims.ts';
import { applyIgnores } from './ignores.ts';
import { clusterNamed } from './queries.ts';

/** Options for a check run. */
export interface CheckOptions {
  /** The rules to run, by id; every rule when absent. */
  rules?: Readonly<Record<string, Rule>>;
  /** What a repository scan found; the drift rules compare it with the registry. */
  observed?: RepoObservation;
  /** What the live clusters run; the drift rules compare it with the registry and the repository. */
  live?: LiveObservation;
  /** Only these rules, by id (`check --rule`); every rule that is on when empty. */
  only?: readonly string[];
  /** Only findings about these clusters (`check --cluster`), and those about no cluster in particular. */
  clusters?: readonly string[];
  /** Only findings at error severity (`check --quiet`). */
  quiet?: boolean;
}

/** Runs the rules over the registry (and, with `observed`, over what a repository deploys) and labels what they report with id, severity and message. */
export function checkRegistry(registry: Registry, options: CheckOptions = {}): CheckResult {
  const rules = options.rules ?? allRules;
  const only = options.only ?? [];
  for (const id of only) if (!(id in allRules)) throw new UsageError(`unknown rule "${id}"; ${suggestion(id, Object.keys(allRules), 'rules')}`);
  for (const name of options.clusters ?? []) clusterNamed(registry, name);
  const setting = (ruleId: string, rule: Rule) => registry.rules.get(ruleId)?.setting ?? rule.meta.defaultSeverity;
  // The rules that are on: an ignore of any other rule is not reported as unused.
  const on = new Set(Object.entries(allRules).filter(([id, rule]) => setting(id, rule) !== 'off' && (only.length === 0 || only.includes(id))).map(([id]) => id));
  const claims = registryClaims(registry);
  const ranges = new RangeIndex(registry.ranges);
  const run = (ruleId: string, rule: Rule, into: Finding[], unusedIgnores?: readonly Ignore[]) => {
    const severity = setting(ruleId, rule);
    if (severity === 'off' || (only.length > 0 && !only.includes(ruleId))) return;
    rule.check({
      registry,
      claims,
      ranges,
      ...(options.observed ? { observed: options.observed } : {}),
      ...(options.live ? { live: options.live } : {}),
      ...(unusedIgnores ? { unusedIgnores, ruleIds: Object.keys(allRules) } : {}),
      report: (report) => into.push(label(ruleId, rule, severity, report)),
    });
  };
  const labelled: Finding[] = [];
  for (const [ruleId, rule] of Object.entries(rules)) if (!rule.meta.afterIgnores) run(ruleId, rule, labelled);
  // An object read from a live cluster is in no file (line 0): the cluster's entry in the registry
  // is added as the place a file-based reader (SARIF, code scanning) can show the finding at.
  if (options.live) {
    for (const finding of labelled) {
      const cluster = finding.locations.every((l) => l.line === 0) ? registry.clusters.find((c) => c.name === finding.cluster) : undefined;
      if (cluster) finding.locations.push(cluster.at);
    }
  }
  // Rules report, the engine labels, and then the ignores accept what the team has accepted.
  const { kept, suppressed, unused } = applyIgnores(labelled, registry, options.observed?.ignores ?? [], on, new Set(Object.keys(allRules)));
  for (const [ruleId, rule] of Object.entries(rules)) if (rule.meta.afterIgnores) run(ruleId, rule, kept, unused);
  const wanted = findingFilter(options);
  const findings = kept.filter(wanted).sort(compareFindings);
  const files = [registry.file, ...(options.observed ? [options.observed.root] : []), ...(options.live ? [options.live.root] : [])];
  return { findings, suppressed: suppressed.filter(wanted).sort(compareFindings), summary: summarize(findings), files };
}

/** The result of a check that could not read its input: no findings, and the errors that stopped it. */
export function checkFailure(files: readonly string[], errors: readonly InputError[]): CheckResult {
  return {
    findings: [],
    suppressed: [],
    summary: { errors: 0, warnings: 0, infos: 0 },
    files: [...files],
    errors: errors.map((error) => ({ message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.at ? { at: error.at } : {}) })),
  };
}

/** Keeps the findings `--cluster` and `--quiet` ask for: a finding about several clusters stays when one of them is asked for. */
export function findingFilter(options: Pick<CheckOptions, 'clusters' | 'quiet'>): (finding: Finding) => boolean {
  const clusters = new Set(options.clusters ?? []);
  return (finding) => {
    if (options.quiet && finding.severity !== 'error') return false;
    if (clusters.size === 0) return true;
    const about = finding.clusters ?? (finding.cluster !== undefined ? [finding.cluster] : []);
    return about.length === 0 || about.some((cluster) => clusters.has(cluster));
  };
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
    (x && y ? (x.file === y.file ? 0 : x.file.localeCompare(y.file)) || x.line - y.line || x.column - y.column : 0) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.cluster ?? '').localeCompare(b.cluster ?? '') ||
    a.message.localeCompare(b.message)
  );
}

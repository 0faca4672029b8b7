import type { RangeIndex } from '../core/range-index.ts';
import type { Ignore, LiveObservation, PortClaim, Registry, Report, RepoObservation, Severity } from '../core/types.ts';

/** What a rule says about itself: the reference page and the SARIF rule are made from it. */
export interface RuleMeta {
  /** One sentence: the problem the rule finds. */
  description: string;
  /** One or two sentences: how to fix what it finds. */
  remediation: string;
  defaultSeverity: Severity;
  /** Message templates by message id; `{{name}}` is filled from the report's data. */
  messages: Record<string, string>;
  /** Runs after the ignores are applied, and sees the ignores that accepted nothing. */
  afterIgnores?: boolean;
}

/** What a rule reports; the engine adds the rule id and severity. */
export type { Report };

/** What a rule sees: the registry, its port claims, and where to report. */
export interface RuleContext {
  registry: Registry;
  /** Every port the registry gives out, one claim per cluster. */
  claims: readonly PortClaim[];
  ranges: RangeIndex;
  /** What a repository scan found; undefined when no repository was given, and drift rules then stay silent. */
  observed?: RepoObservation;
  /** What the live clusters run, read from their API servers or from snapshots; undefined without --live. */
  live?: LiveObservation;
  /** For a rule that runs after the ignores: the ignores that accepted no finding. */
  unusedIgnores?: readonly Ignore[];
  /** For a rule that runs after the ignores: every rule id, to tell a mistyped one. */
  ruleIds?: readonly string[];
  report(report: Report): void;
}

/** A check over the registry; its id is the name it is registered under, which is also its file name. */
export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** Declares a rule; the identity function, for the types. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

import type { CheckResult } from '../core/types.ts';

/** How a reporter may dress its output. */
export interface ReportOptions {
  /** ANSI colours, for a terminal that wants them. */
  color: boolean;
  /** List the findings an ignore accepted, with their reasons (text only; JSON and SARIF always keep them). */
  showSuppressed?: boolean;
}

/** Turns a check result into text; pure, so the CLI prints it and the server sends it. */
export type Reporter = (result: CheckResult, options: ReportOptions) => string;

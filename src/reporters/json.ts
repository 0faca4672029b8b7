import type { Finding } from '../core/types.ts';
import type { Reporter } from './reporter.ts';

/**
 * The stable JSON shape (docs/json-output.md): one object per finding with its rule, severity,
 * message, cluster, range, service, port, protocol and locations; absent values are null. Findings
 * an ignore accepted are under `suppressed`, each with its `suppression`; a registry that could not
 * be read gives `errors` and no findings.
 */
export const json: Reporter = (result) => {
  const output: Record<string, unknown> = {
    findings: result.findings.map(findingJson),
    suppressed: result.suppressed.map((finding) => ({
      ...findingJson(finding),
      suppression: finding.suppression ? { kind: finding.suppression.kind, reason: finding.suppression.reason, location: place(finding.suppression.at) } : null,
    })),
    summary: { ...result.summary, files: result.files },
  };
  if (result.errors) {
    output.errors = result.errors.map((error) => ({ message: error.message, hint: error.hint ?? null, location: error.at ? place(error.at) : null }));
  }
  return `${JSON.stringify(output, null, 2)}\n`;
};

function findingJson(finding: Finding) {
  return {
    ruleId: finding.ruleId,
    messageId: finding.messageId,
    severity: finding.severity,
    message: finding.message,
    cluster: finding.cluster ?? null,
    range: finding.range ?? null,
    service: finding.service ?? null,
    port: finding.port ?? null,
    protocol: finding.protocol ?? null,
    locations: finding.locations.map(place),
  };
}

function place({ file, line, column }: { file: string; line: number; column: number }) {
  return { file, line, column };
}

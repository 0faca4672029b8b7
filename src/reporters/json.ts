import type { Reporter } from './reporter.ts';

/**
 * The stable JSON shape (docs/json-output.md): one object per finding with its rule, severity,
 * message, cluster, range, service, port, protocol and locations; absent values are null.
 */
export const json: Reporter = (result) => {
  const findings = result.findings.map((finding) => ({
    ruleId: finding.ruleId,
    messageId: finding.messageId,
    severity: finding.severity,
    message: finding.message,
    cluster: finding.cluster ?? null,
    range: finding.range ?? null,
    service: finding.service ?? null,
    port: finding.port ?? null,
    protocol: finding.protocol ?? null,
    locations: finding.locations.map(({ file, line, column }) => ({ file, line, column })),
  }));
  return `${JSON.stringify({ findings, summary: { ...result.summary, files: result.files } }, null, 2)}\n`;
};

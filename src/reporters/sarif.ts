import type { Location, Severity } from '../core/types.ts';
import { rules } from '../rules/index.ts';
import { version } from '../version.ts';
import type { Reporter } from './reporter.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0, for code scanning: each finding on its registry line, the other parties as related locations. */
export const sarif: Reporter = (result) => {
  const ids = Object.keys(rules);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'portolan',
            version,
            rules: ids.map((id) => {
              const { meta } = rules[id]!;
              return {
                id,
                shortDescription: { text: meta.description },
                help: { text: meta.remediation, markdown: `${meta.remediation}\n\nSee docs/rules/${id}.md.` },
                defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
              };
            }),
          },
        },
        results: result.findings.map((finding) => {
          // Objects read from a live cluster (line 0) are in no file: the message names them.
          const [main, ...also] = finding.locations.filter((location) => location.line > 0);
          return {
            ruleId: finding.ruleId,
            ruleIndex: ids.indexOf(finding.ruleId),
            level: LEVEL[finding.severity],
            message: { text: finding.message },
            locations: main ? [physical(main)] : [],
            relatedLocations: also.map((location, i) => ({ id: i + 1, ...physical(location) })),
            partialFingerprints: {
              portolanFinding: [finding.ruleId, finding.cluster ?? '', finding.service ?? '', finding.port ?? ''].join('/'),
            },
            properties: {
              ...(finding.cluster !== undefined ? { cluster: finding.cluster } : {}),
              ...(finding.port !== undefined ? { port: finding.port } : {}),
              ...(finding.protocol !== undefined ? { protocol: finding.protocol } : {}),
            },
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

function physical(location: Location) {
  return {
    physicalLocation: {
      artifactLocation: { uri: location.file.split('\\').join('/') },
      region: { startLine: location.line, startColumn: location.column },
    },
  };
}

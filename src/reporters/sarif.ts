import type { Location, Severity } from '../core/types.ts';
import { rules } from '../rules/index.ts';
import { version } from '../version.ts';
import type { Reporter } from './reporter.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0, for code scanning: each finding on its registry line, the other parties as related
 * locations; accepted findings with their `suppressions`; a registry that could not be read as an
 * unsuccessful invocation with its errors, so code scanning shows it instead of an empty upload.
 */
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
        invocations: [
          {
            executionSuccessful: result.errors === undefined,
            toolExecutionNotifications: (result.errors ?? []).map((error) => ({
              level: 'error',
              message: { text: error.hint ? `${error.message} (${error.hint})` : error.message },
              ...(error.at ? { locations: [physical(error.at)] } : {}),
            })),
          },
        ],
        results: [...result.findings, ...result.suppressed].map((finding) => {
          // Objects read from a live cluster (line 0) are in no file: the message names them.
          const [main, ...also] = finding.locations.filter((location) => location.line > 0);
          return {
            ruleId: finding.ruleId,
            ruleIndex: ids.indexOf(finding.ruleId),
            level: LEVEL[finding.severity],
            message: { text: finding.message },
            locations: main ? [physical(main)] : [],
            relatedLocations: also.map((location, i) => ({ id: i + 1, ...physical(location) })),
            ...(finding.suppression
              ? {
                  suppressions: [
                    {
                      kind: finding.suppression.kind === 'annotation' ? 'inSource' : 'external',
                      justification: finding.suppression.reason,
                      location: physical(finding.suppression.at),
                    },
                  ],
                }
              : {}),
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

import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A YAML file in the scanned repository cannot be read or parsed, so its ports are unknown.',
    remediation: 'Fix the YAML at the place shown; `kubectl apply --dry-run=client -f FILE` shows the same error.',
    defaultSeverity: 'error',
    messages: {
      unparsable: 'cannot read this file: {{reason}}',
    },
  },
  check({ observed, report }) {
    for (const problem of observed?.problems ?? []) {
      report({ messageId: 'unparsable', data: { reason: problem.message }, locations: [problem.at] });
    }
  },
});

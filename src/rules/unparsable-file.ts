import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A YAML file in the scanned repository cannot be read or parsed, or a kustomization names a file that does not exist, so its ports are unknown.',
    remediation: 'Fix the YAML or the path at the place shown; `kubectl kustomize DIR` or `kubectl apply --dry-run=client -f FILE` shows the same error.',
    defaultSeverity: 'error',
    messages: {
      unparsable: 'cannot use this file: {{reason}}',
    },
  },
  check({ observed, report }) {
    for (const problem of observed?.problems ?? []) {
      report({ messageId: 'unparsable', data: { reason: problem.message }, locations: [problem.at] });
    }
  },
});

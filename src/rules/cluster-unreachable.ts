import { defineRule } from './rule.ts';

/** Message ids by why the cluster could not be read. */
const MESSAGE_IDS = { 'no-context': 'noContext', unreachable: 'unreachable', unauthorized: 'refused', forbidden: 'refused', timeout: 'timeout', failed: 'failed' } as const;

/**
 * A live cluster that could not be read has unknown ports, as an unparsable file has: the check of
 * every other cluster goes on, and this one is a finding at the registry's entry for the cluster.
 */
export default defineRule({
  meta: {
    description: 'A live cluster could not be read: its kubeconfig context is missing, its API server does not answer or refuses the read, or it runs out of time.',
    remediation: 'Check the context with `kubectl --context CONTEXT get svc -A`; give the reader the read-only ClusterRole from the README, or set clusters.NAME.context to the right context.',
    defaultSeverity: 'error',
    messages: {
      noContext: 'cannot read live cluster {{cluster}}: the kubeconfig has no context "{{context}}"',
      unreachable: 'cannot reach live cluster {{cluster}} (context {{context}}): {{reason}}',
      refused: 'live cluster {{cluster}} (context {{context}}) refused the read: {{reason}}',
      timeout: 'live cluster {{cluster}} (context {{context}}) did not answer in time: {{reason}}',
      failed: 'cannot read live cluster {{cluster}} (context {{context}}): {{reason}}',
    },
  },
  check({ registry, live, report }) {
    for (const failure of live?.failures ?? []) {
      const cluster = registry.clusters.find((c) => c.name === failure.cluster);
      report({
        messageId: MESSAGE_IDS[failure.reason],
        data: { cluster: failure.cluster, context: failure.context, reason: failure.message },
        cluster: failure.cluster,
        locations: cluster ? [cluster.at] : [],
      });
    }
  },
});

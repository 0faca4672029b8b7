import { formatSpan } from '../core/span.ts';
import { claimLabel } from '../core/types.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: "A NodePort or LoadBalancer service's node port lies outside its cluster's NodePort range, so the API server rejects it.",
    remediation: "Pick a port inside the cluster's `nodePortRange` (the API server's --service-node-port-range), or change the service's exposure.",
    defaultSeverity: 'error',
    messages: {
      outside: '{{service}} asks for node port {{port}} in cluster {{cluster}}, whose NodePort range is {{nodePortRange}}',
    },
  },
  check({ registry, claims, report }) {
    const clusters = new Map(registry.clusters.map((cluster) => [cluster.name, cluster]));
    for (const claim of claims) {
      if (claim.kind !== 'nodePort') continue;
      const cluster = clusters.get(claim.cluster)!;
      const range = cluster.nodePortRange;
      if (claim.port >= range.from && claim.port <= range.to) continue;
      report({
        messageId: 'outside',
        data: { service: claimLabel(claim), port: claim.port, cluster: claim.cluster, nodePortRange: formatSpan(cluster.nodePortRange) },
        cluster: claim.cluster,
        ...(claim.range !== undefined ? { range: claim.range } : {}),
        service: claim.service,
        port: claim.port,
        protocol: claim.protocol,
        locations: [claim.at, cluster.nodePortRangeAt],
      });
    }
  },
});

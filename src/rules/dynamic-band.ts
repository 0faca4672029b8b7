import { dynamicBand as dynamicBandOf, formatSpan, intersectSpans, staticBand } from '../core/span.ts';
import { defineRule } from './rule.ts';

/**
 * Since Kubernetes 1.29 (ServiceNodePortStaticSubrange) the API server gives a Service that
 * omits nodePort a port from above the static band first, and only falls back to the band when
 * the rest is full. A range planned above the band can be taken by any such Service.
 */
export default defineRule({
  meta: {
    description: "Ranges lie in a cluster's dynamic NodePort band, where any Service that omits nodePort may be given one of their ports.",
    remediation: 'Move hand-picked NodePorts into the static band, or give every Service of the cluster an explicit nodePort; turn the rule off if you accept the risk.',
    defaultSeverity: 'warning',
    messages: {
      dynamic:
        'cluster {{cluster}} hands out automatic NodePorts from {{dynamicBand}} first (static band {{staticBand}}); ranges {{ranges}} lie there, with {{used}} planned port(s) any Service without a nodePort could take',
    },
  },
  check({ registry, claims, report }) {
    const dynamicBands = new Map(registry.clusters.map((cluster) => [cluster.name, dynamicBandOf(cluster.nodePortRange)]));
    const used = new Map<string, number>();
    for (const claim of claims) {
      const dynamic = dynamicBands.get(claim.cluster);
      if (claim.kind === 'nodePort' && dynamic && claim.port >= dynamic.from && claim.port <= dynamic.to) {
        used.set(claim.cluster, (used.get(claim.cluster) ?? 0) + 1);
      }
    }
    for (const cluster of registry.clusters) {
      const band = staticBand(cluster.nodePortRange);
      const dynamic = dynamicBands.get(cluster.name)!;
      if (dynamic.from > dynamic.to) continue;
      const inBand = registry.ranges.filter((range) => intersectSpans(range.spans, [dynamic]).length > 0);
      if (inBand.length === 0) continue;
      report({
        messageId: 'dynamic',
        data: {
          cluster: cluster.name,
          dynamicBand: formatSpan(dynamic),
          staticBand: band ? formatSpan(band) : 'none',
          ranges: inBand.map((range) => range.name).join(', '),
          used: used.get(cluster.name) ?? 0,
        },
        cluster: cluster.name,
        port: dynamic.from,
        locations: [cluster.nodePortRangeAt, ...inBand.map((range) => range.at)],
      });
    }
  },
});


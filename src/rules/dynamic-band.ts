import { dynamicBand as dynamicBandOf, formatSpan, intersectSpans, staticBand } from '../core/span.ts';
import type { Cluster } from '../core/types.ts';
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
        '{{clusters}} {{verb}} out automatic NodePorts from {{dynamicBand}} first (static band {{staticBand}}); ranges {{ranges}} lie there, with {{used}} planned port(s) any Service without a nodePort could take',
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
    // Clusters with the same NodePort range have the same band: one finding says what to do for all of them.
    const byNodePortRange = new Map<string, Cluster[]>();
    for (const cluster of registry.clusters) {
      const key = formatSpan(cluster.nodePortRange);
      byNodePortRange.set(key, [...(byNodePortRange.get(key) ?? []), cluster]);
    }
    for (const clusters of byNodePortRange.values()) {
      const [first] = clusters as [Cluster, ...Cluster[]];
      const band = staticBand(first.nodePortRange);
      const dynamic = dynamicBands.get(first.name)!;
      if (dynamic.from > dynamic.to) continue;
      const inBand = registry.ranges.filter((range) => intersectSpans(range.spans, [dynamic]).length > 0);
      if (inBand.length === 0) continue;
      const names = clusters.map((cluster) => cluster.name);
      report({
        messageId: 'dynamic',
        data: {
          clusters: `${names.length === 1 ? 'cluster' : 'clusters'} ${names.join(', ')}`,
          verb: names.length === 1 ? 'hands' : 'hand',
          dynamicBand: formatSpan(dynamic),
          staticBand: band ? formatSpan(band) : 'none',
          ranges: inBand.map((range) => range.name).join(', '),
          used: names.reduce((sum, name) => sum + (used.get(name) ?? 0), 0),
        },
        ...(names.length === 1 ? { cluster: first.name } : {}),
        clusters: names,
        port: dynamic.from,
        locations: [...clusters.map((cluster) => cluster.nodePortRangeAt), ...inBand.map((range) => range.at)],
      });
    }
  },
});


import type { PortClaim } from '../core/types.ts';
import { defineRule } from './rule.ts';
import { kindMappings } from '../core/observation.ts';

/** With no planned `hostPortOffset`, an offset is a pattern when at least 3 mappings, and more than half, share it. */
const MIN_PATTERN = 3;

export default defineRule({
  meta: {
    description: 'A kind mapping breaks its cluster\'s host port offset (hostPort = containerPort + offset).',
    remediation: 'Set the mapping\'s hostPort to containerPort plus the cluster\'s offset, or state another offset under `clusters.NAME.hostPortOffset`.',
    defaultSeverity: 'warning',
    messages: {
      offBy: 'mapping {{name}} binds host port {{hostPort}} for {{containerPort}}; cluster {{cluster}} maps with offset {{offset}}, so {{expected}}',
    },
  },
  check({ registry, observed, report }) {
    if (!observed) return;
    const byCluster = new Map<string, PortClaim[]>();
    for (const mapping of kindMappings(observed)) {
      if (mapping.containerPort === undefined) continue;
      const group = byCluster.get(mapping.cluster);
      if (group) group.push(mapping);
      else byCluster.set(mapping.cluster, [mapping]);
    }
    for (const [cluster, mappings] of byCluster) {
      const offset = registry.clusters.find((c) => c.name === cluster)?.hostPortOffset ?? inferredOffset(mappings);
      if (offset === undefined) continue;
      for (const mapping of mappings) {
        const expected = mapping.containerPort! + offset;
        if (mapping.port === expected) continue;
        report({
          messageId: 'offBy',
          data: { name: mapping.service, hostPort: mapping.port, containerPort: mapping.containerPort!, cluster, offset: offset >= 0 ? `+${offset}` : String(offset), expected },
          cluster,
          port: mapping.port,
          protocol: mapping.protocol,
          locations: [mapping.at],
        });
      }
    }
  },
});

function inferredOffset(mappings: PortClaim[]): number | undefined {
  const counts = new Map<number, number>();
  for (const m of mappings) counts.set(m.port - m.containerPort!, (counts.get(m.port - m.containerPort!) ?? 0) + 1);
  for (const [offset, count] of counts) if (count >= MIN_PATTERN && count * 2 > mappings.length) return offset;
  return undefined;
}

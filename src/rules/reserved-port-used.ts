import { formatSpans, inSpans } from '../core/span.ts';
import { claimLabel } from '../core/types.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A service uses a port that the registry reserves for nobody.',
    remediation: 'Move the service to a free port of its range, or lift the reservation if its reason no longer holds.',
    defaultSeverity: 'error',
    messages: {
      reserved: '{{service}} uses port {{port}} in cluster {{cluster}}, reserved ({{spans}}): {{reason}}',
    },
  },
  check({ registry, claims, report }) {
    if (registry.reserved.length === 0) return;
    for (const claim of claims) {
      for (const reservation of registry.reserved) {
        if (reservation.clusters.length > 0 && !reservation.clusters.includes(claim.cluster)) continue;
        if (!inSpans(claim.port, reservation.spans)) continue;
        report({
          messageId: 'reserved',
          data: { service: claimLabel(claim), port: claim.port, cluster: claim.cluster, spans: formatSpans(reservation.spans), reason: reservation.reason },
          cluster: claim.cluster,
          ...(claim.range !== undefined ? { range: claim.range } : {}),
          service: claim.service,
          port: claim.port,
          protocol: claim.protocol,
          locations: [claim.at, reservation.at],
        });
      }
    }
  },
});

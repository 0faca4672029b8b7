import { defineRule } from './rule.ts';
import { objectLabel, observedNodePorts } from '../core/observation.ts';

/**
 * The free ports are the notes `portolan import` keeps under `docs.free` of what the port
 * document said was free ("Next available ports", `| 31500 | AVAILABLE |`). A deployed node port
 * among them means the document was stale, and whoever trusted it may hand the port out again.
 */
export default defineRule({
  meta: {
    description: 'A node port deployed from the repository is one the port document listed as free.',
    remediation: 'Take the port out of `docs.free` once the registry holds the service (`portolan docs --write` lists the free ports from the registry from then on), or move the Service to a port that is free.',
    defaultSeverity: 'warning',
    messages: {
      listedFree: 'node port {{port}} of {{object}} in cluster {{cluster}} is deployed, but the port document listed it as free ("{{note}}")',
    },
  },
  check({ registry, observed, report }) {
    const free = registry.docsSettings?.free ?? [];
    if (!observed || free.length === 0) return;
    for (const claim of observedNodePorts(observed)) {
      const note = free.find((n) => n.spans.some((span) => span.from <= claim.port && claim.port <= span.to));
      if (!note) continue;
      report({
        messageId: 'listedFree',
        data: { port: claim.port, object: objectLabel(claim), cluster: claim.cluster, note: note.note },
        cluster: claim.cluster,
        port: claim.port,
        protocol: claim.protocol,
        service: claim.service,
        locations: note.at ? [claim.at, note.at] : [claim.at],
      });
    }
  },
});

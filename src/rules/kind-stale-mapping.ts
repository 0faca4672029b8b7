import { defineRule } from './rule.ts';
import { kindMappings, observedNodePorts } from '../core/observation.ts';

/**
 * A mapping is in use when its containerPort is a NodePort of the cluster, a Pod's hostPort, or a host port a well-known chart binds
 * (an ingress controller bound to the node's 80 and 443). The cluster's ports come from the
 * repository when it deploys to the cluster, else from the registry.
 */
export default defineRule({
  meta: {
    description: 'A kind port mapping forwards to a containerPort that no NodePort Service or hostPort uses.',
    remediation: 'Point the mapping\'s containerPort at the Service\'s nodePort, or remove the mapping to free the host port.',
    defaultSeverity: 'warning',
    messages: {
      stale: 'mapping {{name}} forwards host port {{hostPort}} to {{containerPort}}, which nothing in cluster {{cluster}} listens on',
    },
  },
  check({ registry, claims, observed, report }) {
    if (!observed) return;
    const used = new Set<string>();
    for (const claim of observedNodePorts(observed)) used.add(`${claim.cluster}\0${claim.port}`);
    for (const claim of observed.claims) if (claim.kind === 'hostPort' && (claim.source === 'manifest' || claim.source === 'helm-values')) used.add(`${claim.cluster}\0${claim.port}`);
    for (const claim of claims) if (claim.kind === 'nodePort' && !observed.clusters.includes(claim.cluster)) used.add(`${claim.cluster}\0${claim.port}`);
    const known = new Set([...observed.clusters, ...registry.clusters.map((c) => c.name)]);
    for (const mapping of kindMappings(observed)) {
      if (mapping.containerPort === undefined || !known.has(mapping.cluster)) continue;
      if (used.has(`${mapping.cluster}\0${mapping.containerPort}`)) continue;
      report({
        messageId: 'stale',
        data: { name: mapping.service, hostPort: mapping.port, containerPort: mapping.containerPort, cluster: mapping.cluster },
        cluster: mapping.cluster,
        port: mapping.port,
        protocol: mapping.protocol,
        locations: [mapping.at],
      });
    }
  },
});

import { defineRule } from './rule.ts';
import { kindMappings, objectLabel, observedNodePorts } from '../core/observation.ts';

/**
 * A kind node is a container: a NodePort opens on it, not on the host, unless a mapping forwards
 * it. A LoadBalancer Service is reached at its load balancer's address (cloud-provider-kind,
 * MetalLB), so its node port needs no mapping.
 */
export default defineRule({
  meta: {
    description: 'A NodePort deployed to a kind cluster has no extraPortMappings entry, so the host cannot reach it.',
    remediation: 'Add `{ containerPort: NODEPORT, hostPort: ... }` to the kind config\'s extraPortMappings (kind needs the cluster recreated), or use ClusterIP if it is internal.',
    defaultSeverity: 'warning',
    messages: {
      unmapped: 'node port {{port}} of {{object}} in kind cluster {{cluster}} is not mapped to the host in {{config}}',
    },
  },
  check({ observed, report }) {
    if (!observed) return;
    const loadBalancers = new Set(observed.services.filter((s) => s.type === 'LoadBalancer').map((s) => `${s.cluster}\0${s.object.namespace ?? ''}\0${s.object.name}`));
    const mapped = new Set(kindMappings(observed).filter((m) => m.containerPort !== undefined).map((m) => `${m.cluster}\0${m.containerPort}`));
    for (const claim of observedNodePorts(observed)) {
      const config = observed.kindConfigs.get(claim.cluster);
      if (config === undefined || mapped.has(`${claim.cluster}\0${claim.port}`)) continue;
      if (claim.object && loadBalancers.has(`${claim.cluster}\0${claim.object.namespace ?? ''}\0${claim.object.name}`)) continue;
      report({
        messageId: 'unmapped',
        data: { port: claim.port, object: objectLabel(claim), cluster: claim.cluster, config },
        cluster: claim.cluster,
        service: claim.service,
        port: claim.port,
        protocol: claim.protocol,
        locations: [claim.at],
      });
    }
  },
});

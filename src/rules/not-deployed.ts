import { defineRule } from './rule.ts';
import { observedNodePorts } from '../core/observation.ts';

/**
 * Only clusters the repository deploys to are compared: a registry that plans clusters managed
 * from another repository is not drift. Reserved entries are plans, not deployments.
 */
export default defineRule({
  meta: {
    description: 'The registry says a cluster runs a service, but nothing in the repository deploys it there.',
    remediation: 'Deploy the service to that cluster, or take the cluster out of the entry (or mark the entry `status: reserved` while it is planned).',
    defaultSeverity: 'warning',
    messages: {
      notDeployed: 'the registry runs {{service}} in cluster {{cluster}}, but the repository deploys no {{names}} there',
    },
  },
  check({ registry, observed, report }) {
    if (!observed) return;
    const nodePorts = new Set(observedNodePorts(observed).map((c) => `${c.cluster}\0${c.port}`));
    for (const service of registry.services) {
      if (service.status === 'reserved') continue;
      const names = [service.name, ...(service.kubernetesName ? [service.kubernetesName] : [])];
      for (const cluster of service.clusters) {
        if (!observed.clusters.includes(cluster)) continue;
        const deployed = observed.deployedNames.get(cluster);
        if (names.some((name) => deployed?.has(name))) continue;
        if (service.exposure !== 'ClusterIP' && service.ports.some((port) => nodePorts.has(`${cluster}\0${port.overrides.find((o) => o.cluster === cluster)?.port ?? port.port}`))) continue;
        report({
          messageId: 'notDeployed',
          data: { service: service.name, cluster, names: names.join(' or ') },
          cluster,
          ...(service.range !== undefined ? { range: service.range } : {}),
          service: service.name,
          locations: [service.at],
        });
      }
    }
  },
});

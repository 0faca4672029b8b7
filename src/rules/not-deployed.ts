import type { DeployedPorts, Registry } from '../core/types.ts';
import { defineRule, type RuleContext } from './rule.ts';
import { driftSources, observedNodePorts } from '../core/observation.ts';

/**
 * Only clusters the repository deploys to are compared: a registry that plans clusters managed
 * from another repository is not drift. Reserved entries are plans, not deployments. A live
 * cluster is compared when it was read; one that could not be read is cluster-unreachable's.
 */
export default defineRule({
  meta: {
    description: 'The registry says a cluster runs a service, but nothing in the repository deploys it there, or the live cluster does not run it.',
    remediation: 'Deploy the service to that cluster, or take the cluster out of the entry (or mark the entry `status: reserved` while it is planned).',
    defaultSeverity: 'warning',
    messages: {
      notDeployed: 'the registry runs {{service}} in cluster {{cluster}}, but the repository deploys no {{names}} there',
      liveNotDeployed: 'the registry runs {{service}} in cluster {{cluster}}, but the live cluster runs no {{names}}',
    },
  },
  check(context) {
    for (const { observed, live } of driftSources(context)) check(context.registry, observed, live, context.report);
  },
});

/** not-deployed over one source: the repository, or the live clusters. */
function check(registry: Registry, observed: DeployedPorts, live: boolean, report: RuleContext['report']): void {
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
        messageId: live ? 'liveNotDeployed' : 'notDeployed',
        data: { service: service.name, cluster, names: names.join(' or ') },
        cluster,
        ...(service.range !== undefined ? { range: service.range } : {}),
        service: service.name,
        locations: [service.at],
      });
    }
  }
}

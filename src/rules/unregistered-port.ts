import { defineRule } from './rule.ts';
import { driftSources, objectLabel, observedNodePorts, serviceNamed, unmatchedPorts } from '../core/observation.ts';

/**
 * A deployed node port is registered when the registry gives that port, in that cluster, to the
 * service of the same name, or to any service when the object's name is not in the registry
 * (the registry may call it by its team's name). A registered service deploying more node ports
 * than its entry names has the extra ones reported here; other ports instead of its own are port-mismatch's.
 * What a live cluster runs is held to the same test, with the `live*` messages.
 */
export default defineRule({
  meta: {
    description: 'A node port deployed from the repository, or running in a live cluster, is not in the registry.',
    remediation: 'Add the service to portolan.yaml (`portolan init --repo DIR --dry-run` prints entries to copy), or remove the port from the manifest (or, live, the Service from the cluster).',
    defaultSeverity: 'error',
    messages: {
      unregistered: 'node port {{port}} of {{object}} in cluster {{cluster}} is not in the registry',
      otherCluster: '{{object}} is deployed to cluster {{cluster}} with node port {{port}}, but the registry runs {{service}} only in {{clusters}}',
      liveUnregistered: 'live node port {{port}} of {{object}} in cluster {{cluster}} is not in the registry',
      liveOtherCluster: 'live cluster {{cluster}} runs {{object}} with node port {{port}}, but the registry runs {{service}} only in {{clusters}}',
    },
  },
  check(context) {
    const { registry, claims, report } = context;
    const sources = driftSources(context);
    // Without a repository or a live cluster there is nothing to compare: the 100,000 keys below are not made.
    if (sources.length === 0) return;
    const clusters = new Set(registry.clusters.map((c) => c.name));
    const taken = new Set(claims.filter((c) => c.kind === 'nodePort').map((c) => `${c.cluster}\0${c.port}`));
    for (const { observed, live } of sources) {
      const unregistered = live ? 'liveUnregistered' : 'unregistered';
      for (const claim of observedNodePorts(observed)) {
        if (!clusters.has(claim.cluster)) continue;
        const service = serviceNamed(registry, claim.service);
        const base = { cluster: claim.cluster, port: claim.port, protocol: claim.protocol, service: claim.service, locations: [claim.at] };
        if (service && !service.clusters.includes(claim.cluster)) {
          if (taken.has(`${claim.cluster}\0${claim.port}`)) continue;
          report({
            ...base,
            messageId: live ? 'liveOtherCluster' : 'otherCluster',
            data: { object: objectLabel(claim), cluster: claim.cluster, port: claim.port, service: service.name, clusters: service.clusters.join(', ') || 'no cluster' },
            locations: [claim.at, service.clustersAt],
          });
        } else if (!service && !taken.has(`${claim.cluster}\0${claim.port}`)) {
          report({ ...base, messageId: unregistered, data: { object: objectLabel(claim), cluster: claim.cluster, port: claim.port } });
        }
      }
      // A registered service with more ports deployed than the entry names; fewer or other ones are port-mismatch's.
      for (const { claim, registered } of unmatchedPorts(registry, observed, 'nodePort')) {
        if (registered !== undefined || taken.has(`${claim.cluster}\0${claim.port}`)) continue;
        report({
          messageId: unregistered,
          data: { object: objectLabel(claim), cluster: claim.cluster, port: claim.port },
          cluster: claim.cluster,
          port: claim.port,
          protocol: claim.protocol,
          service: claim.service,
          locations: [claim.at],
        });
      }
    }
  },
});

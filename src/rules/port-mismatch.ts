import { defineRule } from './rule.ts';
import { objectLabel, registeredPorts, serviceNamed } from './drift.ts';

export default defineRule({
  meta: {
    description: 'The registry and a deployed manifest both know a service, with different ports.',
    remediation: 'Decide which number is right and change the other: the manifest (nodePort, Helm values) or the registry entry (or its per-cluster override).',
    defaultSeverity: 'error',
    messages: {
      mismatch: '{{object}} uses port {{port}} in cluster {{cluster}}, but the registry gives {{service}} {{registered}}',
    },
  },
  check({ registry, observed, report }) {
    if (!observed) return;
    for (const claim of observed.claims) {
      if (claim.source === 'kind-config' || claim.kind === 'hostPort') continue;
      const service = serviceNamed(registry, claim.service);
      if (!service || !service.clusters.includes(claim.cluster)) continue;
      // A ClusterIP entry is compared with Service ports, a NodePort or LoadBalancer one with node ports.
      if ((service.exposure === 'ClusterIP') !== (claim.kind === 'servicePort')) continue;
      const ports = registeredPorts(service, claim.cluster);
      if (ports.includes(claim.port)) continue;
      const registered = service.ports.find((p) => p.name !== undefined && p.name === claim.portName) ?? service.ports[0];
      report({
        messageId: 'mismatch',
        data: { object: objectLabel(claim), port: claim.port, cluster: claim.cluster, service: service.name, registered: ports.join(', ') },
        cluster: claim.cluster,
        ...(service.range !== undefined ? { range: service.range } : {}),
        service: service.name,
        port: claim.port,
        protocol: claim.protocol,
        locations: registered ? [claim.at, registered.overrides.find((o) => o.cluster === claim.cluster)?.at ?? registered.at] : [claim.at],
      });
    }
  },
});

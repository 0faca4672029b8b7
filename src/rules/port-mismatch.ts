import { defineRule } from './rule.ts';
import { driftSources, objectLabel, serviceNamed, unmatchedPorts } from '../core/observation.ts';

export default defineRule({
  meta: {
    description: 'The registry and a deployed manifest (or a live cluster) both know a service, with different ports.',
    remediation: "Decide which number is right and change the other: the manifest (nodePort, Helm values, the Service's `port`) or the registry entry (its port, per-cluster override or `servicePort`).",
    defaultSeverity: 'error',
    messages: {
      mismatch: '{{object}} uses port {{port}} in cluster {{cluster}}, but the registry gives {{service}} {{registered}}',
      liveMismatch: 'live {{object}} uses port {{port}} in cluster {{cluster}}, but the registry gives {{service}} {{registered}}',
      servicePort: "{{object}} fronts Service port {{deployed}} with node port {{port}} in cluster {{cluster}}, but the registry gives {{service}} Service port {{registered}} (the port in-cluster and mesh clients use)",
      liveServicePort: "live {{object}} fronts Service port {{deployed}} with node port {{port}} in cluster {{cluster}}, but the registry gives {{service}} Service port {{registered}} (the port in-cluster and mesh clients use)",
    },
  },
  check(context) {
    const { registry, report } = context;
    // A ClusterIP entry is compared with Service ports, a NodePort or LoadBalancer one with node ports.
    for (const { observed, live } of driftSources(context)) for (const kind of ['nodePort', 'servicePort'] as const) {
      for (const { claim, service, registered } of unmatchedPorts(registry, observed, kind)) {
        if (registered === undefined) continue; // an extra port: unregistered-port
        const entry = service.ports.find((p) => (p.overrides.find((o) => o.cluster === claim.cluster)?.port ?? p.port) === registered)!;
        report({
          messageId: live ? 'liveMismatch' : 'mismatch',
          data: { object: objectLabel(claim), port: claim.port, cluster: claim.cluster, service: service.name, registered },
          cluster: claim.cluster,
          ...(service.range !== undefined ? { range: service.range } : {}),
          service: service.name,
          port: claim.port,
          protocol: claim.protocol,
          locations: [claim.at, entry.overrides.find((o) => o.cluster === claim.cluster)?.at ?? entry.at],
        });
      }
    }
    // The node port agrees, the Service port it fronts does not: addresses through the mesh use the latter.
    for (const { observed, live } of driftSources(context)) for (const claim of observed.claims) {
      if (claim.kind !== 'nodePort' || claim.servicePort === undefined || claim.source === 'kind-config') continue;
      const service = serviceNamed(registry, claim.service);
      if (!service || service.exposure === 'ClusterIP' || !service.clusters.includes(claim.cluster)) continue;
      const entry = service.ports.find((p) => (p.overrides.find((o) => o.cluster === claim.cluster)?.port ?? p.port) === claim.port && p.protocol === claim.protocol);
      if (entry?.servicePort === undefined || entry.servicePort === claim.servicePort) continue;
      report({
        messageId: live ? 'liveServicePort' : 'servicePort',
        data: { object: objectLabel(claim), deployed: claim.servicePort, port: claim.port, cluster: claim.cluster, service: service.name, registered: entry.servicePort },
        cluster: claim.cluster,
        ...(service.range !== undefined ? { range: service.range } : {}),
        service: service.name,
        port: claim.port,
        protocol: claim.protocol,
        locations: [claim.at, entry.at],
      });
    }
  },
});

import { defineRule } from './rule.ts';
import { driftSources, objectLabel, unmatchedPorts } from '../core/observation.ts';

export default defineRule({
  meta: {
    description: 'The registry and a deployed manifest (or a live cluster) both know a service, with different ports.',
    remediation: 'Decide which number is right and change the other: the manifest (nodePort, Helm values) or the registry entry (or its per-cluster override).',
    defaultSeverity: 'error',
    messages: {
      mismatch: '{{object}} uses port {{port}} in cluster {{cluster}}, but the registry gives {{service}} {{registered}}',
      liveMismatch: 'live {{object}} uses port {{port}} in cluster {{cluster}}, but the registry gives {{service}} {{registered}}',
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
  },
});

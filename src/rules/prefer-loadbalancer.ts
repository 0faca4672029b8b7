import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A service is exposed through a NodePort in a production cluster.',
    remediation: 'Expose it with `exposure: LoadBalancer` (or through the ingress), or mark the cluster `production: false`.',
    defaultSeverity: 'warning',
    messages: {
      nodePort: '{{service}} is a NodePort service in production cluster {{cluster}}',
    },
  },
  check({ registry, report }) {
    const production = new Map(registry.clusters.filter((c) => c.production).map((c) => [c.name, c]));
    for (const service of registry.services) {
      if (service.exposure !== 'NodePort') continue;
      for (const name of service.clusters) {
        const cluster = production.get(name);
        if (!cluster) continue;
        report({
          messageId: 'nodePort',
          data: { service: service.name, cluster: name },
          cluster: name,
          ...(service.range !== undefined ? { range: service.range } : {}),
          service: service.name,
          ...(service.ports[0] ? { port: service.ports[0].port } : {}),
          locations: [service.at, cluster.at],
        });
      }
    }
  },
});

import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'One service uses different ports in different clusters.',
    remediation: 'Use the same port in every cluster ("same port across clusters when possible"): find one free everywhere with `portolan free RANGE`, then drop the overrides.',
    defaultSeverity: 'warning',
    messages: {
      differs: '{{service}} uses {{ports}} across its clusters',
    },
  },
  check({ registry, report }) {
    const known = new Set(registry.clusters.map((cluster) => cluster.name));
    for (const service of registry.services) {
      // Only a port with overrides can differ: most of 100,000 services have none, and make nothing here.
      if (service.ports.every((port) => port.overrides.length === 0)) continue;
      const runsIn = service.clusters.filter((cluster) => known.has(cluster));
      for (const port of service.ports) {
        if (port.overrides.length === 0) continue;
        const byPort = new Map<number, string[]>();
        for (const cluster of runsIn) {
          const number = port.overrides.find((o) => o.cluster === cluster)?.port ?? port.port;
          byPort.set(number, [...(byPort.get(number) ?? []), cluster]);
        }
        if (byPort.size < 2) continue;
        const ports = [...byPort].map(([number, clusters]) => `${number} in ${clusters.join(', ')}`).join(' but ');
        const differing = port.overrides.filter((o) => o.port !== port.port && runsIn.includes(o.cluster));
        report({
          messageId: 'differs',
          data: { service: port.name ? `${service.name}/${port.name}` : service.name, ports },
          ...(service.range !== undefined ? { range: service.range } : {}),
          service: service.name,
          port: port.port,
          protocol: port.protocol,
          locations: [port.at, ...differing.map((o) => o.at)],
        });
      }
    }
  },
});

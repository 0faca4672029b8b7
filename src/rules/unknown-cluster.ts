import { suggestion } from '../core/suggest.ts';
import type { Location } from '../core/types.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A service, override or reservation names a cluster that the registry does not define.',
    remediation: 'Correct the name to one of the clusters under `clusters`, or add the cluster.',
    defaultSeverity: 'error',
    messages: {
      unknown: '{{owner}} names cluster "{{cluster}}", which is not defined; {{hint}}',
    },
  },
  check({ registry, report }) {
    const names = registry.clusters.map((cluster) => cluster.name);
    const known = new Set(names);
    const check = (owner: string, cluster: string, at: Location, service?: string) => {
      if (known.has(cluster)) return;
      report({
        messageId: 'unknown',
        data: { owner, cluster, hint: suggestion(cluster, names, 'clusters') },
        ...(service !== undefined ? { service } : {}),
        locations: [at],
      });
    };
    for (const service of registry.services) {
      if (!service.allClusters) service.clusters.forEach((cluster, i) => check(service.name, cluster, service.clusterAt[i] ?? service.clustersAt, service.name));
      for (const port of service.ports) for (const o of port.overrides) check(service.name, o.cluster, o.at, service.name);
    }
    registry.reserved.forEach((reservation, i) => {
      for (const cluster of reservation.clusters) check(`reservation ${i + 1}`, cluster, reservation.at);
    });
  },
});

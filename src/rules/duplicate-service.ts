import type { Service } from '../core/types.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'One service is listed twice, under different entries or ports, in a cluster they share.',
    remediation: 'Keep one entry and merge the ports into it; if one replaces the other, mark the old one `status: legacy` with `replacedBy`.',
    defaultSeverity: 'error',
    messages: {
      sameObject: '{{first}} and {{second}} are both the Service {{object}}',
      sameTitle: '{{first}} and {{second}} are both called "{{title}}"',
    },
  },
  check({ registry, report }) {
    const byObject = new Map<string, Service[]>();
    const byTitle = new Map<string, Service[]>();
    // Entry names are unique, so two entries can only be one Service object when one of them
    // names it with kubernetesName: only entries whose object name is such a name are grouped.
    const renamed = new Set(registry.services.flatMap((service) => (service.kubernetesName === undefined ? [] : [service.kubernetesName])));
    for (const service of registry.services) {
      const name = service.kubernetesName ?? service.name;
      if (renamed.has(name)) push(byObject, `${service.namespace ?? ''}/${name}`, service);
      if (service.title !== undefined) {
        const title = service.title.toLowerCase().replace(/[^a-z0-9]/g, '');
        push(byTitle, title, service);
      }
    }
    const reported = new Set<string>();
    const pairs = (groups: Map<string, Service[]>, messageId: string) => {
      for (const group of groups.values()) {
        for (let i = 0; i < group.length; i++) {
          for (let j = i + 1; j < group.length; j++) {
            const [first, second] = [group[i]!, group[j]!];
            const key = `${first.name}\0${second.name}`;
            if (reported.has(key) || replaces(first, second) || !shareCluster(first, second)) continue;
            reported.add(key);
            const object = `${first.namespace ? `${first.namespace}/` : ''}${first.kubernetesName ?? first.name}`;
            report({
              messageId,
              data: { first: first.name, second: second.name, object, title: first.title ?? '' },
              ...(second.range !== undefined ? { range: second.range } : {}),
              service: second.name,
              ...(second.ports[0] ? { port: second.ports[0].port } : {}),
              locations: [second.at, first.at],
            });
          }
        }
      }
    };
    pairs(byObject, 'sameObject');
    pairs(byTitle, 'sameTitle');
  },
});

function replaces(a: Service, b: Service): boolean {
  return a.replacedBy === b.name || b.replacedBy === a.name;
}

function shareCluster(a: Service, b: Service): boolean {
  return a.clusters.some((cluster) => b.clusters.includes(cluster));
}

function push(groups: Map<string, Service[]>, key: string, service: Service): void {
  const group = groups.get(key);
  if (group) group.push(service);
  else groups.set(key, [service]);
}

import { WILDCARD_ADDRESS, type PortClaim } from '../core/types.ts';
import { defineRule } from './rule.ts';
import { kindMappings } from '../core/observation.ts';

/**
 * Host ports are bound per host, address and protocol: TCP and UDP 8080 live side by side, and
 * 127.0.0.1:8080 and 127.0.0.2:8080 too, but 0.0.0.0 (or ::) binds every address and collides with
 * all of them. Clusters collide only when the registry puts them on the same `host`.
 */
export default defineRule({
  meta: {
    description: 'Two kind port mappings (in one config, or in two clusters on one host) bind the same host port.',
    remediation: 'Give one of them another hostPort (following the cluster\'s offset), or a distinct listenAddress.',
    defaultSeverity: 'error',
    messages: {
      collision: 'host port {{port}}/{{protocol}} on {{host}} is bound by {{holders}}',
    },
  },
  check({ observed, report }) {
    if (!observed) return;
    const groups = new Map<string, PortClaim[]>();
    for (const mapping of kindMappings(observed)) {
      const key = `${mapping.host}\0${mapping.port}\0${mapping.protocol}`;
      const group = groups.get(key);
      if (group) group.push(mapping);
      else groups.set(key, [mapping]);
    }
    for (const group of groups.values()) {
      const colliding = group.filter((a) => group.some((b) => a !== b && overlaps(a.listenAddress, b.listenAddress)));
      if (colliding.length < 2) continue;
      const first = colliding[0]!;
      report({
        messageId: 'collision',
        data: {
          port: first.port,
          protocol: first.protocol,
          host: first.host ?? first.cluster,
          holders: colliding.map((m) => `${m.cluster} ${m.service} (${m.listenAddress ?? WILDCARD_ADDRESS})`).join(', '),
        },
        cluster: first.cluster,
        port: first.port,
        protocol: first.protocol,
        locations: colliding.map((m) => m.at),
      });
    }
  },
});

function overlaps(a = WILDCARD_ADDRESS, b = WILDCARD_ADDRESS): boolean {
  const wildcard = (address: string) => address === WILDCARD_ADDRESS || address === '::' || address === '';
  return wildcard(a) || wildcard(b) || a === b;
}

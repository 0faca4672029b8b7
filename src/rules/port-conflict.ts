import { claimLabel, type PortClaim } from '../core/types.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * Kubernetes' NodePort allocator keeps one pool per cluster and ignores the protocol across
 * Services: TCP 30081 in one Service and UDP 30081 in another collide. Inside one Service the
 * same number may serve TCP and UDP. Host ports are bound per protocol, so TCP and UDP are apart.
 */
export default defineRule({
  meta: {
    description: 'Two services hold the same NodePort (or host port and protocol) in one cluster.',
    remediation: 'Keep the port for one of them and move the other to the next free port of its range (`portolan free RANGE`).',
    defaultSeverity: 'error',
    messages: {
      conflict: 'port {{port}} in cluster {{cluster}} is held by {{holders}}',
    },
  },
  check({ claims, observed, report }) {
    reportConflicts(claims, report);
    // What the repository deploys, on its own: kind mappings are host-wide and hostport-collision's.
    if (observed) reportConflicts(observed.claims.filter((claim) => claim.source !== 'kind-config'), report);
  },
});

/** Reports each group of claims that hold one port in one cluster. */
function reportConflicts(claims: readonly PortClaim[], report: RuleContext['report']): void {
  const groups = new Map<string, PortClaim[]>();
  for (const claim of claims) {
    if (claim.kind === 'servicePort') continue;
    const key = claim.kind === 'nodePort'
      ? `${claim.cluster}\0${claim.port}`
      : `${claim.cluster}\0${claim.port}\0${claim.protocol}\0host`;
    const group = groups.get(key);
    if (group) group.push(claim);
    else groups.set(key, [claim]);
  }
  for (const group of groups.values()) {
    if (group.length < 2 || !collides(group)) continue;
    const first = group[0]!;
    report({
      messageId: 'conflict',
      data: { port: first.port, cluster: first.cluster, holders: group.map(claimLabel).join(', ') },
      cluster: first.cluster,
      ...(first.range !== undefined ? { range: first.range } : {}),
      service: first.service,
      port: first.port,
      protocol: first.protocol,
      locations: group.map((claim) => claim.at),
    });
  }
}

/** Claims by one service collide only when they share a protocol too. */
function collides(group: PortClaim[]): boolean {
  const seen = new Set<string>();
  for (const claim of group) {
    if (claim.service !== group[0]!.service) return true;
    if (seen.has(claim.protocol)) return true;
    seen.add(claim.protocol);
  }
  return false;
}

import { kubectlName, objectKey, objectLabel, observedNodePorts } from '../core/observation.ts';
import { claimLabel, PROTOCOLS, type Location, type PortClaim } from '../core/types.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * Kubernetes' NodePort allocator keeps one pool per cluster and ignores the protocol across
 * Services: TCP 30081 in one Service and UDP 30081 in another collide. Inside one Service the
 * same number may serve TCP and UDP. Host ports are bound per protocol, so TCP and UDP are apart.
 * A node port that Git sets for one object while the live cluster holds it for another makes the
 * apply fail ("provided port is already allocated"), so it is a conflict before it happens.
 */
export default defineRule({
  meta: {
    description: 'Two services hold the same NodePort (or host port and protocol) in one cluster.',
    remediation: 'Keep the port for one of them and move the other to the next free port of its range (`portolan free RANGE`).',
    defaultSeverity: 'error',
    messages: {
      conflict: 'port {{port}} in cluster {{cluster}} is held by {{holders}}',
      liveConflict: 'port {{port}} in live cluster {{cluster}} is held by {{holders}}',
      heldLive: 'node port {{port}} that Git sets for {{object}} in cluster {{cluster}} is held live by {{holder}}; the apply will fail',
    },
  },
  check({ claims, observed, live, report }) {
    const clusters = new Map<string, number>();
    const planned = conflicts(claims, clusters);
    // What the repository deploys, on its own: kind mappings are host-wide and hostport-collision's.
    const deployed = observed ? conflicts(observed.claims.filter((claim) => claim.source !== 'kind-config'), clusters) : new Map<number, PortClaim[]>();
    // A conflict both planned and deployed is one problem: reported where it is deployed, the plan's places after.
    for (const [key, group] of planned) if (!deployed.has(key)) reportGroup(group, [], 'conflict', report);
    for (const [key, group] of deployed) reportGroup(group, planned.get(key)?.map((claim) => claim.at) ?? [], 'conflict', report);
    if (live) for (const group of conflicts(live.claims, clusters).values()) reportGroup(group, [], 'liveConflict', report);
    if (observed && live) reportHeldLive(observedNodePorts(observed), observedNodePorts(live), live.clusters, report);
  },
});

/** Reports each node port that Git sets for one object and a live cluster holds for another. */
function reportHeldLive(planned: readonly PortClaim[], running: readonly PortClaim[], read: readonly string[], report: RuleContext['report']): void {
  const holders = new Map(running.map((claim) => [`${claim.cluster}\0${claim.port}`, claim]));
  for (const claim of planned) {
    if (!read.includes(claim.cluster)) continue;
    const holder = holders.get(`${claim.cluster}\0${claim.port}`);
    if (!holder?.object || !claim.object) continue;
    // A chart's Service is named by its release; the live object says which release made it.
    const same = claim.source === 'helm-values' ? holder.helmRelease === claim.object.name : objectKey(holder.object) === objectKey(claim.object);
    if (same) continue;
    report({
      messageId: 'heldLive',
      data: { port: claim.port, object: objectLabel(claim), cluster: claim.cluster, holder: kubectlName(holder.object) },
      cluster: claim.cluster,
      service: claim.service,
      port: claim.port,
      protocol: claim.protocol,
      locations: [claim.at, holder.at],
    });
  }
}

/** Each group of claims that hold one port in one cluster, by a number made of cluster, pool and port. */
function conflicts(claims: readonly PortClaim[], clusterIndex: Map<string, number>): Map<number, PortClaim[]> {
  // One pool per cluster: a number key (cluster, pool, port) keeps 100,000 claims cheap to group.
  // The first holder of each port is kept on its own; a list is made only for a second.
  const first = new Map<number, PortClaim>();
  const groups = new Map<number, PortClaim[]>();
  for (const claim of claims) {
    if (claim.kind === 'servicePort') continue;
    let cluster = clusterIndex.get(claim.cluster);
    if (cluster === undefined) clusterIndex.set(claim.cluster, (cluster = clusterIndex.size));
    const pool = claim.kind === 'nodePort' ? 0 : 1 + PROTOCOLS.indexOf(claim.protocol);
    const key = (cluster * 4 + pool) * 65536 + claim.port;
    const holder = first.get(key);
    if (holder === undefined) first.set(key, claim);
    else {
      const group = groups.get(key);
      if (group) group.push(claim);
      else groups.set(key, [holder, claim]);
    }
  }
  for (const [key, group] of groups) if (group.length < 2 || !collides(group)) groups.delete(key);
  return groups;
}

function reportGroup(group: PortClaim[], alsoAt: Location[], messageId: 'conflict' | 'liveConflict', report: RuleContext['report']): void {
  const first = group[0]!;
  report({
    messageId,
    data: { port: first.port, cluster: first.cluster, holders: group.map(messageId === 'liveConflict' ? objectLabel : claimLabel).join(', ') },
    cluster: first.cluster,
    ...(first.range !== undefined ? { range: first.range } : {}),
    service: first.service,
    port: first.port,
    protocol: first.protocol,
    locations: [...group.map((claim) => claim.at), ...alsoAt],
  });
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

/** Each group of claims that collide on one port in one cluster, as this rule sees them (the dashboard's map marks them). */
export function conflictingClaims(claims: readonly PortClaim[]): PortClaim[][] {
  return [...conflicts(claims, new Map()).values()];
}

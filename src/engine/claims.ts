import type { ClaimKind, Exposure, PortClaim, Registry, Service } from '../core/types.ts';

/** NodePort and LoadBalancer Services both take node ports; a ClusterIP port lives on its own IP. */
export function claimKindOf(exposure: Exposure): ClaimKind {
  return exposure === 'ClusterIP' ? 'servicePort' : 'nodePort';
}

/** Every port the registry gives out: one claim per service port per cluster it runs in. */
export function registryClaims(registry: Registry): PortClaim[] {
  const known = new Set(registry.clusters.map((cluster) => cluster.name));
  const keep = kept.has(registry);
  const clusters = keep ? [...known].join('\n') : '';
  const claims: PortClaim[] = [];
  for (const service of registry.services) {
    if (!keep) {
      for (const claim of serviceClaims(service, known)) claims.push(claim);
      continue;
    }
    // A server's registry changed in memory keeps its untouched services, and their claims with them.
    let own = byService.get(service);
    if (own?.clusters !== clusters) {
      own = { clusters, claims: serviceClaims(service, known) };
      byService.set(service, own);
    }
    for (const claim of own.claims) claims.push(claim);
  }
  return claims;
}

const byService = new WeakMap<Service, { clusters: string; claims: PortClaim[] }>();
const kept = new WeakSet<Registry>();

/** Marks a registry that a server holds and changes in memory: its services' claims are kept with them, for the next version to reuse. */
export function keepClaims(registry: Registry): Registry {
  kept.add(registry);
  return registry;
}

function serviceClaims(service: Service, known: ReadonlySet<string>): PortClaim[] {
  const kind = claimKindOf(service.exposure);
  const claims: PortClaim[] = [];
  for (const cluster of service.clusters) {
    if (!known.has(cluster)) continue; // unknown-cluster reports it
    for (const port of service.ports) {
      const override = port.overrides.length === 0 ? undefined : port.overrides.find((o) => o.cluster === cluster);
      // One shape for every claim, absent fields included: a registry makes 100,000 of them.
      claims.push({
        cluster,
        port: override ? override.port : port.port,
        protocol: port.protocol,
        kind,
        service: service.name,
        portName: port.name,
        range: service.range,
        status: service.status,
        at: override ? override.at : port.at,
      });
    }
  }
  return claims;
}

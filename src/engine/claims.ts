import type { ClaimKind, Exposure, PortClaim, Registry } from '../core/types.ts';

/** NodePort and LoadBalancer Services both take node ports; a ClusterIP port lives on its own IP. */
export function claimKindOf(exposure: Exposure): ClaimKind {
  return exposure === 'ClusterIP' ? 'servicePort' : 'nodePort';
}

/** Every port the registry gives out: one claim per service port per cluster it runs in. */
export function registryClaims(registry: Registry): PortClaim[] {
  const known = new Set(registry.clusters.map((cluster) => cluster.name));
  const claims: PortClaim[] = [];
  for (const service of registry.services) {
    const kind = claimKindOf(service.exposure);
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
  }
  return claims;
}

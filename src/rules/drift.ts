import type { PortClaim, Registry, RepoObservation, Service } from '../core/types.ts';

/** The observed claims that take a node port: Services' nodePorts and Helm values' node ports. */
export function observedNodePorts(observed: RepoObservation): PortClaim[] {
  return observed.claims.filter((claim) => claim.kind === 'nodePort' && claim.source !== 'kind-config');
}

/** The kind mappings (and API server ports) read from kind configs. */
export function kindMappings(observed: RepoObservation): PortClaim[] {
  return observed.claims.filter((claim) => claim.source === 'kind-config');
}

/** The registry service an observed object stands for: by entry name or `kubernetesName`. */
export function serviceNamed(registry: Registry, name: string): Service | undefined {
  return registry.services.find((service) => service.name === name || service.kubernetesName === name);
}

/** The ports the registry gives `service` in `cluster`, overrides applied. */
export function registeredPorts(service: Service, cluster: string): number[] {
  return service.ports.map((port) => port.overrides.find((o) => o.cluster === cluster)?.port ?? port.port);
}

/** How an observed claim is named in messages: `Service ns/name` or `HelmRelease name (values.path)`. */
export function objectLabel(claim: PortClaim): string {
  const object = claim.object;
  if (!object) return claim.service;
  const name = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  return claim.source === 'helm-values' ? `${object.kind} ${name} (${claim.portName})` : `${object.kind} ${name}`;
}

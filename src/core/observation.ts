import type { DeployedPorts, ObjectRef, PortClaim, Registry, RepoObservation, Service } from './types.ts';

/** The observed claims that take a node port: Services' nodePorts and Helm values' node ports. */
export function observedNodePorts(observed: DeployedPorts): PortClaim[] {
  return observed.claims.filter((claim) => claim.kind === 'nodePort' && claim.source !== 'kind-config');
}

/** The kind mappings (and API server ports) read from kind configs. */
export function kindMappings(observed: DeployedPorts): PortClaim[] {
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

/** How kubectl abbreviates the kinds it names (`svc/grafana`). */
const SHORT_KINDS: Record<string, string> = {
  Service: 'svc',
  Pod: 'pod',
  Deployment: 'deploy',
  StatefulSet: 'sts',
  DaemonSet: 'ds',
  ReplicaSet: 'rs',
  Job: 'job',
  CronJob: 'cronjob',
};

/** An object named as kubectl takes it: `svc/grafana -n observability`. */
export function kubectlName(object: ObjectRef): string {
  const kind = SHORT_KINDS[object.kind] ?? object.kind.toLowerCase();
  return `${kind}/${object.name}${object.namespace !== undefined ? ` -n ${object.namespace}` : ''}`;
}

/** The same object in Git and in a live cluster: kind, namespace (`default` when not written) and name. */
export function objectKey(object: ObjectRef): string {
  return `${object.kind}\0${object.namespace ?? 'default'}\0${object.name}`;
}

/** What a drift rule compares with the registry: what the repository deploys, and what the live clusters run. */
export function driftSources(context: { observed?: RepoObservation; live?: DeployedPorts }): { observed: DeployedPorts; live: boolean }[] {
  return [...(context.observed ? [{ observed: context.observed, live: false }] : []), ...(context.live ? [{ observed: context.live, live: true }] : [])];
}

/** How an observed claim is named in messages: `Service ns/name`, `HelmRelease name (values.path)`, or for a live one `svc/name -n ns`. */
export function objectLabel(claim: PortClaim): string {
  const object = claim.object;
  if (!object) return claim.service;
  if (claim.source === 'live') return kubectlName(object);
  const name = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  return claim.source === 'helm-values' ? `${object.kind} ${name} (${claim.portName})` : `${object.kind} ${name}`;
}

/** How an observed claim of a registered service stands against the registry. */
export interface Pairing {
  claim: PortClaim;
  service: Service;
  /** The registered port it replaces, for a mismatch; undefined when the object has more ports than the entry. */
  registered?: number;
}

/**
 * Pairs each deployed port of a registered service (by name, in a cluster the entry names) that
 * the registry does not give it with a registered port no object of that name uses there: such a
 * pair is a mismatch. Ports left over (a chart's second Service) have no registered counterpart.
 */
export function unmatchedPorts(registry: Registry, observed: DeployedPorts, kind: 'nodePort' | 'servicePort'): Pairing[] {
  const groups = new Map<string, { service: Service; claims: PortClaim[] }>();
  for (const claim of observed.claims) {
    if (claim.kind !== kind || claim.source === 'kind-config') continue;
    const service = serviceNamed(registry, claim.service);
    if (!service || !service.clusters.includes(claim.cluster)) continue;
    if ((service.exposure === 'ClusterIP') !== (kind === 'servicePort')) continue;
    const key = `${claim.cluster}\0${service.name}`;
    const group = groups.get(key);
    if (group) group.claims.push(claim);
    else groups.set(key, { service, claims: [claim] });
  }
  const pairings: Pairing[] = [];
  for (const { service, claims } of groups.values()) {
    const cluster = claims[0]!.cluster;
    const registered = registeredPorts(service, cluster);
    const seen = new Set(claims.map((c) => c.port));
    const free = registered.filter((port) => !seen.has(port));
    for (const claim of claims) {
      if (registered.includes(claim.port)) continue;
      const port = free.shift();
      pairings.push({ claim, service, ...(port !== undefined ? { registered: port } : {}) });
    }
  }
  return pairings;
}

import { serviceNamed } from './observation.ts';
import type { MeshExportMode, Registry, RepoObservation, Service } from './types.ts';

/** What an address's host names: a service of one cluster, by Linkerd's mirror name or by the team's pattern. */
export interface AddressTarget {
  /** The service's name as the host writes it. */
  name: string;
  /** The registry's service of that name, when it has one. */
  service?: Service;
  /** The cluster the service runs in (the target of the mesh). */
  cluster: string;
  /** `mirror` for Linkerd's `NAME-TARGET`, `pattern` for the registry's address pattern. */
  naming: 'mirror' | 'pattern';
}

/** Linkerd's name for the mirror of `name` from cluster `target`, in the same namespace: `NAME-TARGET`. */
export function mirrorName(name: string, target: string): string {
  return `${name}-${target}`;
}

/** The host pattern other clusters use for `cluster`: its `crossClusterUrl`'s host, else `mesh.address` with `{cluster}` filled in. */
export function hostPatternOf(registry: Registry, cluster: string): string | undefined {
  const url = registry.clusters.find((c) => c.name === cluster)?.crossClusterUrl;
  if (url !== undefined) return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[:/]/)[0]!;
  return registry.mesh?.address?.replace(/\{cluster\}/g, cluster);
}

/** A host name filled in from a host pattern: `{service}` and `{namespace}` (and `{cluster}`). */
export function fillHost(pattern: string, names: { service: string; namespace?: string | undefined; cluster: string }): string | undefined {
  if (pattern.includes('{namespace}') && names.namespace === undefined) return undefined;
  return pattern.replace(/\{service\}/g, names.service).replace(/\{namespace\}/g, names.namespace ?? '').replace(/\{cluster\}/g, names.cluster);
}

/**
 * The service of another cluster that `host` names, or undefined when it names none. Linkerd
 * mirrors an exported Service into each linked cluster as `NAME-TARGET` in the same namespace
 * (`vllm-forge`, `vllm-forge.ml-inference.svc.cluster.local`); a mirror name counts only when
 * NAME is a service of the registry, since `web-studio` may be anything. A host that fits the
 * team's pattern (`grafana.observability.svc.studio.remote`) counts whatever service it names.
 */
export function addressTarget(registry: Registry, host: string): AddressTarget | undefined {
  const lower = host.toLowerCase().replace(/\.$/, '');
  const clusters = registry.clusters.map((c) => c.name);
  for (const cluster of clusters) {
    const pattern = hostPatternOf(registry, cluster);
    if (pattern === undefined) continue;
    const match = patternRegExp(pattern).exec(lower);
    if (!match?.groups) continue;
    const named = match.groups.cluster ?? cluster;
    if (named !== cluster) continue;
    const service = serviceNamed(registry, match.groups.service!);
    if (service && match.groups.namespace !== undefined && service.namespace !== undefined && service.namespace !== match.groups.namespace) continue;
    return { name: match.groups.service!, ...(service ? { service } : {}), cluster, naming: 'pattern' };
  }
  const labels = lower.split('.');
  // A Kubernetes Service name: NAME, NAME.NAMESPACE, or NAME.NAMESPACE.svc[.cluster domain].
  if (labels.length > 2 && labels[2] !== 'svc') return undefined;
  for (const cluster of clusters) {
    const suffix = `-${cluster}`;
    if (!labels[0]!.endsWith(suffix)) continue;
    const service = serviceNamed(registry, labels[0]!.slice(0, -suffix.length));
    if (!service || !service.clusters.includes(cluster)) continue;
    if (labels.length > 1 && service.namespace !== undefined && labels[1] !== service.namespace) continue;
    return { name: service.kubernetesName ?? service.name, service, cluster, naming: 'mirror' };
  }
  return undefined;
}

const patterns = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let regexp = patterns.get(pattern);
  if (!regexp) {
    const label = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
    const seen = new Set<string>();
    const source = pattern
      .toLowerCase()
      .split(/(\{service\}|\{namespace\}|\{cluster\})/)
      .map((part) => {
        const name = /^\{(service|namespace|cluster)\}$/.exec(part)?.[1];
        if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (seen.has(name)) return `\\k<${name}>`;
        seen.add(name);
        return `(?<${name}>${label})`;
      })
      .join('');
    patterns.set(pattern, (regexp = new RegExp(`^${source}$`)));
  }
  return regexp;
}

/** One port of a service as a mesh client reaches it: the Service's own port, beside the node port. */
export interface MeshPort {
  name?: string;
  /** The Service's port, what the mirror Service carries; undefined when the registry does not state it. */
  port?: number;
  /** The node port in the target cluster, for a NodePort or LoadBalancer service. */
  nodePort?: number;
}

/** The ports a mesh client uses to reach `service` in `cluster`: the Service's ports, with the node ports beside. */
export function meshPorts(service: Service, cluster: string): MeshPort[] {
  return service.ports.map((port) => {
    const number = port.overrides.find((o) => o.cluster === cluster)?.port ?? port.port;
    const nodePort = service.exposure === 'ClusterIP' ? undefined : number;
    const servicePort = port.servicePort ?? (service.exposure === 'ClusterIP' ? number : undefined);
    return { ...(port.name !== undefined ? { name: port.name } : {}), ...(servicePort !== undefined ? { port: servicePort } : {}), ...(nodePort !== undefined ? { nodePort } : {}) };
  });
}

/** Linkerd's multicluster gateway ports inside the cluster: the gateway itself, and its probe. */
export const GATEWAY_SERVICE_PORTS = { gateway: 4143, probe: 4191 } as const;

/**
 * The port a Link must use to reach the registry's multicluster gateway (`mesh.gateway`) in
 * `cluster`, for its traffic or its probe: the node port, or for a LoadBalancer gateway the
 * Service port. The gateway's port is found by its Service port (4143, 4191) or its name
 * (`mc-gateway`, `mc-probe`); undefined when the registry plans no such gateway there.
 */
export function gatewayPortOf(registry: Registry, cluster: string, role: keyof typeof GATEWAY_SERVICE_PORTS): { port: number; service: Service; name?: string } | undefined {
  const service = registry.mesh?.gateway !== undefined ? registry.services.find((s) => s.name === registry.mesh!.gateway) : undefined;
  if (!service || !service.clusters.includes(cluster)) return undefined;
  const byPort = service.ports.find((p) => p.servicePort === GATEWAY_SERVICE_PORTS[role]);
  const byName = service.ports.filter((p) => p.name !== undefined && new RegExp(role, 'i').test(p.name));
  const probes = service.ports.filter((p) => p.servicePort === GATEWAY_SERVICE_PORTS.probe || (p.name !== undefined && /probe/i.test(p.name)));
  const alone = role === 'gateway' && service.ports.length - probes.length === 1 ? service.ports.find((p) => !probes.includes(p)) : undefined;
  const entry = byPort ?? (byName.length === 1 ? byName[0] : undefined) ?? alone;
  if (!entry) return undefined;
  const nodePort = entry.overrides.find((o) => o.cluster === cluster)?.port ?? entry.port;
  const port = service.exposure === 'LoadBalancer' ? (entry.servicePort ?? nodePort) : nodePort;
  return { port, service, ...(entry.name !== undefined ? { name: entry.name } : {}) };
}

/** Whether `from` is linked to `to`: by the registry's `mesh.links`, or by a Link the repository deploys in `from`. */
export function isLinked(registry: Registry, from: string, to: string, observed?: RepoObservation): boolean {
  return (registry.mesh?.links ?? []).some((l) => l.from === from && l.to === to) || (observed?.mesh?.links ?? []).some((l) => l.cluster === from && l.target === to);
}

/** Whether `cluster` exports `service`: by the registry's `mesh.exports`, or by the export label on its Service in the repository. */
export function isExported(registry: Registry, service: Service, cluster: string, observed?: RepoObservation): boolean {
  if ((registry.mesh?.exports ?? []).some((e) => e.service === service.name && e.cluster === cluster)) return true;
  const name = service.kubernetesName ?? service.name;
  return (observed?.services ?? []).some(
    (s) => s.cluster === cluster && s.object.name === name && (service.namespace === undefined || s.object.namespace === service.namespace) && s.meshExport !== undefined && s.meshExport.value !== 'false',
  );
}


/** The value of `mirror.linkerd.io/exported` that each export mode takes. */
export const EXPORT_LABEL_VALUES: Readonly<Record<MeshExportMode, string>> = { gateway: 'true', 'remote-discovery': 'remote-discovery' };

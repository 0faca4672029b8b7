import { InputError } from '../core/errors.ts';
import { fillHost, hostPatternOf, meshPorts, mirrorName, type MeshPort } from '../core/mesh.ts';
import { suggestion } from '../core/suggest.ts';
import type { MeshExportMode, Registry } from '../core/types.ts';

export type { MeshPort } from '../core/mesh.ts';

/** How cluster `from` reaches service `service` in cluster `to` through the mesh. */
export interface MeshRoute {
  service: string;
  from: string;
  to: string;
  mode: MeshExportMode;
  namespace?: string;
  /** Linkerd's mirror Service in the source cluster (same namespace): `vllm-forge`. */
  mirror: string;
  /** The mirror's in-cluster host name: `vllm-forge.ml-inference.svc.cluster.local`. */
  mirrorHost?: string;
  /** The team's host name by its address pattern, when it has one. */
  host?: string;
  /** Each port, with the address a client writes for it (the team's pattern, else the mirror's host) when its Service port is known. */
  ports: (MeshPort & { address?: string })[];
}

/** Filters for `meshRoutes`: each keeps the routes that match; absent keeps all. */
export interface RouteFilter {
  service?: string;
  from?: string;
  to?: string;
}

/**
 * Every way the registry's mesh lets one cluster reach another's service: for each export of a
 * service from a cluster, each cluster linked to it, with Linkerd's mirror name, the team's
 * address and the Service ports. `portolan who` and `portolan docs` show them; an HTTP API can too.
 */
export function meshRoutes(registry: Registry, filter: RouteFilter = {}): MeshRoute[] {
  if (filter.service !== undefined && !registry.services.some((s) => s.name === filter.service)) {
    throw new InputError(`no service "${filter.service}" in ${registry.file}`, undefined, suggestion(filter.service, registry.services.map((s) => s.name), 'services'), { kind: 'not-found' });
  }
  const mesh = registry.mesh;
  if (!mesh) return [];
  const routes: MeshRoute[] = [];
  for (const entry of mesh.exports) {
    if (filter.service !== undefined && entry.service !== filter.service) continue;
    if (filter.to !== undefined && entry.cluster !== filter.to) continue;
    const service = registry.services.find((s) => s.name === entry.service)!;
    const name = service.kubernetesName ?? service.name;
    const pattern = hostPatternOf(registry, entry.cluster);
    const url = registry.clusters.find((c) => c.name === entry.cluster)?.crossClusterUrl;
    for (const link of mesh.links) {
      if (link.to !== entry.cluster || (filter.from !== undefined && link.from !== filter.from)) continue;
      const mirror = mirrorName(name, entry.cluster);
      const host = pattern !== undefined ? fillHost(pattern, { service: name, namespace: service.namespace, cluster: entry.cluster }) : undefined;
      routes.push({
        service: service.name,
        from: link.from,
        to: entry.cluster,
        mode: entry.mode,
        ...(service.namespace !== undefined ? { namespace: service.namespace, mirrorHost: `${mirror}.${service.namespace}.svc.cluster.local` } : {}),
        mirror,
        ...(host !== undefined ? { host } : {}),
        ports: meshPorts(service, entry.cluster).map((port) => {
          const address = port.port === undefined ? undefined : addressFor(url, host ?? (service.namespace !== undefined ? `${mirror}.${service.namespace}.svc.cluster.local` : mirror), port.port);
          return { ...port, ...(address !== undefined ? { address } : {}) };
        }),
      });
    }
  }
  return routes.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.service.localeCompare(b.service));
}

/** `http://HOST:PORT` by the cluster's `crossClusterUrl` (its scheme and path), else `HOST:PORT`. */
function addressFor(url: string | undefined, host: string, port: number): string {
  if (url === undefined) return `${host}:${port}`;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length).replace(/^[^:/]*/, '');
  return `${scheme}${host}${rest.includes('{port}') ? rest.replace(/\{port\}/g, String(port)) : `:${port}${rest}`}`;
}

import { addressTarget, hostPatternOf } from '../../core/mesh.ts';
import type { ObjectRef, ObservedAddress, ObservedLink, ObservedService, Registry } from '../../core/types.ts';
import type { ValuesLayer } from '../helm-release/index.ts';
import type { KubeObject } from '../k8s-manifests/objects.ts';
import { isLink, linkOf, mayHoldMesh, meshExportOf, meshMarkers, objectAddresses, valuesAddresses } from '../mesh/index.ts';
import type { ByteRange } from './files.ts';
import type { Found } from './found.ts';

/** The repository scan's hook into the mesh source: which files to parse, and what each object adds. */
export interface MeshHook {
  /** Whether a file's bytes (or a document's) may hold a Link, an export label or an address of another cluster. */
  mayMatter(bytes: Buffer | ByteRange): boolean;
  /** Adds an object's Link and addresses to what its cluster deploys. */
  read(object: KubeObject, found: Found): void;
  /** Adds the addresses of a release's values file (a layer written in a manifest is read with the manifest). */
  values(layer: ValuesLayer, release: ObjectRef, found: Found): void;
  /** The Service with its export label. */
  service(object: KubeObject, service: ObservedService): ObservedService;
  /** The Links and addresses per cluster, or undefined when there are none. */
  gather(byCluster: ReadonlyMap<string, Found>): { links: ObservedLink[]; addresses: ObservedAddress[] } | undefined;
}

/** The mesh hook for a registry; without a registry there are no other clusters' services to name, only Links and labels. */
export function meshHook(registry: Registry | undefined): MeshHook {
  const clusters = (registry?.clusters ?? []).map((c) => c.name);
  const patterns = clusters.flatMap((c) => hostPatternOf(registry!, c) ?? []);
  // Addresses are read only where the registry plans a mesh (or an address pattern) at all.
  const meshed = registry !== undefined && (registry.mesh !== undefined || patterns.length > 0);
  const markers = meshMarkers(meshed ? clusters : [], patterns);
  const names = new Map<string, boolean>();
  const wanted = (host: string) => {
    let known = names.get(host);
    if (known === undefined) names.set(host, (known = registry !== undefined && addressTarget(registry, host) !== undefined));
    return known;
  };
  return {
    mayMatter: (bytes) => mayHoldMesh(bytes, markers),
    read(object, found) {
      if (isLink(object)) {
        const link = linkOf(object);
        if (link) found.links.push(link);
        return;
      }
      if (meshed) found.addresses.push(...objectAddresses(object, wanted));
    },
    values(layer, release, found) {
      if (meshed && layer.source) found.addresses.push(...valuesAddresses(layer.values, layer.source, release, wanted));
    },
    service(object, service) {
      const label = meshExportOf(object);
      return label ? { ...service, meshExport: label } : service;
    },
    gather(byCluster) {
      const links = new Map<string, ObservedLink>();
      const addresses = new Map<string, ObservedAddress>();
      // A file reached twice in one cluster (two kustomizations name it) holds its addresses once.
      const key = (cluster: string, at: { file: string; line: number; column: number }) => `${cluster}\0${at.file}:${at.line}:${at.column}`;
      for (const [cluster, found] of byCluster) {
        for (const link of found.links) links.set(key(cluster, link.at), { ...link, cluster });
        for (const address of found.addresses) addresses.set(key(cluster, address.at), { ...address, cluster });
      }
      return links.size > 0 || addresses.size > 0 ? { links: [...links.values()], addresses: [...addresses.values()] } : undefined;
    },
  };
}

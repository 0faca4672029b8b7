import { formatSpan } from '../../core/span.ts';
import type { Exposure, PortSpan, Protocol, ServiceStatus } from '../../core/types.ts';
import type { RegistryDocument, ServiceDocument } from '../../registry/schema.ts';

/** A range as the document states it. */
export interface RangeDraft {
  name: string;
  spans: PortSpan[];
  description?: string;
}

/** A cluster as the document names it. */
export interface ClusterDraft {
  name: string;
  title?: string;
  production?: boolean;
  nodePortRange?: string;
  notes?: string;
  crossClusterUrl?: string;
}

/** One port of a service, with the clusters where the document gives it another number. */
export interface PortDraft {
  name?: string;
  port: number;
  protocol?: Protocol;
  overrides: Map<string, number>;
  /** The Service's own port, where a cross-cluster example reaches the service at another port than its node port. */
  servicePort?: number;
  notes?: string;
}

/** What the document's cross-cluster examples say of the mesh. */
export interface MeshDraft {
  /** Service -> the clusters that export it. */
  exports: Map<string, Set<string>>;
  /** Source cluster -> the clusters it is linked to. */
  links: Map<string, Set<string>>;
  addresses: { url: string; from?: string[] }[];
}

/** A service as the document lists it, before it is written as a registry entry. */
export interface ServiceDraft {
  name: string;
  title?: string;
  range?: string;
  namespace?: string;
  exposure?: Exposure;
  clusters: string[] | 'all';
  status?: ServiceStatus;
  replacedBy?: string;
  /** "replaced by ..." words, resolved to a service once every service is known. */
  replacement?: string;
  owner?: string;
  notes: string[];
  ports: PortDraft[];
  line: number;
}

/** Ports the document keeps free. */
export interface ReservationDraft {
  spans: PortSpan[];
  reason: string;
  clusters: string[];
}

/** Everything the import gathered from a document, by name. */
export interface Drafts {
  ranges: Map<string, RangeDraft>;
  clusters: Map<string, ClusterDraft>;
  services: Map<string, ServiceDraft>;
  reserved: ReservationDraft[];
  notes: string[];
  mesh?: MeshDraft;
}

/** The registry document the drafts state, in the order the document gave them. */
export function registryDocumentOf(drafts: Drafts): RegistryDocument {
  const { ranges: rangeDrafts, clusters: clusterDrafts, services: serviceDrafts, reserved, notes, mesh } = drafts;
  const ranges: NonNullable<RegistryDocument['ranges']> = {};
  for (const range of rangeDrafts.values()) {
    const ports = range.spans.length === 1 ? spanValue(range.spans[0]!) : range.spans.map(spanValue);
    ranges[range.name] = { ports, ...(range.description ? { description: range.description } : {}) };
  }
  const clusters: NonNullable<RegistryDocument['clusters']> = {};
  for (const cluster of clusterDrafts.values()) {
    clusters[cluster.name] = {
      ...(cluster.title !== undefined ? { title: cluster.title } : {}),
      ...(cluster.production ? { production: true } : {}),
      ...(cluster.nodePortRange !== undefined ? { nodePortRange: cluster.nodePortRange } : {}),
      ...(cluster.notes !== undefined ? { notes: cluster.notes } : {}),
      ...(cluster.crossClusterUrl !== undefined ? { crossClusterUrl: cluster.crossClusterUrl } : {}),
    };
  }
  const services: Record<string, ServiceDocument> = {};
  for (const service of serviceDrafts.values()) services[service.name] = serviceDocument(service);
  return {
    version: 1,
    ...(notes.length > 0 ? { notes } : {}),
    ...(rangeDrafts.size > 0 ? { ranges } : {}),
    clusters,
    ...(serviceDrafts.size > 0 ? { services } : {}),
    ...(mesh && mesh.addresses.length > 0 ? { mesh: meshDocument(mesh) } : {}),
    ...(reserved.length > 0
      ? {
          reserved: reserved.map((r) => ({
            ports: r.spans.length === 1 ? spanValue(r.spans[0]!) : r.spans.map(spanValue),
            reason: r.reason,
            ...(r.clusters.length > 0 ? { clusters: r.clusters } : {}),
          })),
        }
      : {}),
  };
}

function meshDocument(mesh: MeshDraft): NonNullable<RegistryDocument['mesh']> {
  const sorted = (map: Map<string, Set<string>>) => Object.fromEntries([...map].map(([key, values]) => [key, [...values].sort()]));
  return {
    ...(mesh.links.size > 0 ? { links: sorted(mesh.links) } : {}),
    ...(mesh.exports.size > 0 ? { exports: sorted(mesh.exports) } : {}),
    addresses: mesh.addresses.map((a) => ({ url: a.url, ...(a.from ? { from: a.from } : {}) })),
  };
}

function spanValue(span: PortSpan): number | string {
  return span.from === span.to ? span.from : formatSpan(span);
}

function serviceDocument(service: ServiceDraft): ServiceDocument {
  const portDocument = (port: PortDraft) => {
    const plain = port.overrides.size === 0 && !port.notes && port.servicePort === undefined && (port.protocol === undefined || port.protocol === 'TCP');
    if (plain) return port.port;
    return {
      port: port.port,
      ...(port.servicePort !== undefined ? { servicePort: port.servicePort } : {}),
      ...(port.protocol && port.protocol !== 'TCP' ? { protocol: port.protocol } : {}),
      ...(port.overrides.size > 0 ? { overrides: Object.fromEntries(port.overrides) } : {}),
      ...(port.notes ? { notes: port.notes } : {}),
    };
  };
  const single = service.ports.length === 1 && service.ports[0]!.name === undefined;
  const named = new Map<string, PortDraft>();
  service.ports.forEach((port, i) => {
    let name = port.name || `port-${i + 1}`;
    while (named.has(name)) name = `${name}-${i + 1}`;
    named.set(name, port);
  });
  return {
    ...(service.title !== undefined ? { title: service.title } : {}),
    ...(service.range !== undefined ? { range: service.range } : {}),
    ...(service.namespace !== undefined ? { namespace: service.namespace } : {}),
    ...(service.exposure !== undefined && service.exposure !== 'NodePort' ? { exposure: service.exposure } : {}),
    ...(service.clusters !== 'all' ? { clusters: service.clusters } : {}),
    ...(single ? { port: portDocument(service.ports[0]!) } : { ports: Object.fromEntries([...named].map(([name, port]) => [name, portDocument(port)])) }),
    ...(service.status !== undefined && service.status !== 'active' ? { status: service.status } : {}),
    ...(service.replacedBy !== undefined ? { replacedBy: service.replacedBy } : {}),
    ...(service.owner !== undefined ? { owner: service.owner } : {}),
    ...(service.notes.length > 0 ? { notes: service.notes.join(' ') } : {}),
  };
}

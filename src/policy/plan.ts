import { dynamicBand, intersectSpans, mergeSpans, subtractSpans } from '../core/span.ts';
import { claimLabel, type Cluster, type Exposure, type PortSpan, type Protocol, type Registry } from '../core/types.ts';

/** One planned port of a Service object, as admission compares it. */
export interface PlannedPort {
  /** The port's name in the registry, matched against the Service port's `name`. */
  name?: string;
  port: number;
  protocol: Protocol;
}

/** A registry service as admission sees it: the Service object it stands for and its ports in one cluster. */
export interface PlannedService {
  /** The registry entry's name, as `portolan` commands take it. */
  entry: string;
  /** The namespace the entry names; absent means any namespace. */
  namespace?: string;
  /** The Service object's name: `kubernetesName`, or the entry's name. */
  objectName: string;
  exposure: Exposure;
  ports: PlannedPort[];
}

/** What the registry plans for one cluster, laid out for look-ups by Service, by port and by span. */
export interface ClusterPlan {
  cluster: Cluster;
  /** NodePort and LoadBalancer services, by `namespace.name`, with `_` for an entry that names no namespace. */
  services: Map<string, PlannedService>;
  /** Who holds each planned node port: `service` or `service/port`. */
  nodePorts: Map<number, string>;
  /** Who holds each planned port of any kind (node ports and ClusterIP ports): the ports a Pod may bind on its host. */
  hostPorts: Map<number, string>;
  /** The spans of the NodePort range that no range and no reservation takes: open to unplanned Services. */
  open: PortSpan[];
  /** The reserved spans that hold in this cluster. */
  reserved: PortSpan[];
  /** Where the API server hands out automatic node ports first. */
  dynamicBand: PortSpan;
  /** The ranges that lie in the dynamic band, where a Service without nodePort may take a planned port. */
  dynamicRanges: string[];
}

/** The namespace key of an entry that names no namespace. */
export const ANY_NAMESPACE = '_';

/** Lays out what the registry plans for `cluster` (which must be one of its clusters). */
export function clusterPlan(registry: Registry, cluster: Cluster): ClusterPlan {
  const services = new Map<string, PlannedService>();
  const nodePorts = new Map<number, string>();
  const hostPorts = new Map<number, string>();
  for (const service of registry.services) {
    if (!service.clusters.includes(cluster.name)) continue;
    const ports: PlannedPort[] = service.ports.map((port) => ({
      ...(port.name !== undefined ? { name: port.name } : {}),
      port: port.overrides.find((o) => o.cluster === cluster.name)?.port ?? port.port,
      protocol: port.protocol,
    }));
    for (const [index, port] of ports.entries()) {
      const holder = claimLabel({ service: service.name, ...(service.ports[index]!.name !== undefined ? { portName: service.ports[index]!.name! } : {}) });
      if (!hostPorts.has(port.port)) hostPorts.set(port.port, holder);
      if (service.exposure !== 'ClusterIP' && !nodePorts.has(port.port)) nodePorts.set(port.port, holder);
    }
    if (service.exposure === 'ClusterIP') continue;
    const objectName = service.kubernetesName ?? service.name;
    const key = serviceKey(service.namespace ?? ANY_NAMESPACE, objectName);
    // duplicate-service reports two entries for one object; the first one is the plan here.
    if (!services.has(key)) {
      services.set(key, { entry: service.name, ...(service.namespace !== undefined ? { namespace: service.namespace } : {}), objectName, exposure: service.exposure, ports });
    }
  }
  const reserved = mergeSpans(
    registry.reserved.filter((r) => r.clusters.length === 0 || r.clusters.includes(cluster.name)).flatMap((r) => r.spans),
  );
  const planned = registry.ranges.flatMap((range) => range.spans);
  const band = dynamicBand(cluster.nodePortRange);
  return {
    cluster,
    services,
    nodePorts,
    hostPorts,
    open: subtractSpans([cluster.nodePortRange], [...planned, ...reserved]),
    reserved,
    dynamicBand: band,
    dynamicRanges: registry.ranges.filter((range) => intersectSpans(range.spans, [band]).length > 0).map((range) => range.name),
  };
}

/** The look-up key of a Service object: `namespace.name` (both are DNS labels, so the dot cannot be part of either). */
export function serviceKey(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}

/** The planned service a Service object stands for: by its namespace and name, else by its name in any namespace. */
export function plannedService(plan: ClusterPlan, namespace: string, name: string): PlannedService | undefined {
  return plan.services.get(serviceKey(namespace, name)) ?? plan.services.get(serviceKey(ANY_NAMESPACE, name));
}

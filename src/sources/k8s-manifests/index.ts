import { PROTOCOLS, type ObservedService, type ObservedServicePort, type PortClaim, type Protocol, type SkippedValue } from '../../core/types.ts';
import { list, locateIn, mapping, text, type KubeObject } from './objects.ts';

export { readManifest, type KubeObject, type ManifestFile } from './objects.ts';

/** Kinds whose pod template may hold `hostPort`, and where that template sits. */
export const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** True for a core `v1` Service. */
export function isService(object: KubeObject): boolean {
  return object.kind === 'Service' && (object.apiVersion === 'v1' || object.apiVersion === '');
}

/** The Service as written: its type, each port with its nodePort, and a stray `spec.nodePort`. */
export function serviceOf(object: KubeObject): ObservedService {
  const spec = mapping(object.body.spec) ?? {};
  const ports: ObservedServicePort[] = list(spec.ports).flatMap((entry, i): ObservedServicePort[] => {
    const port = mapping(entry);
    if (!port) return [];
    const path = ['spec', 'ports', i];
    const nodePort = port.nodePort;
    const observed: ObservedServicePort = {
      ...(text(port.name) !== undefined ? { name: text(port.name)! } : {}),
      ...(typeof port.port === 'number' ? { port: port.port } : {}),
      protocol: protocolOf(port.protocol),
      at: locateIn(object, path),
    };
    if (typeof nodePort === 'number' || typeof nodePort === 'string') {
      observed.nodePort = nodePort;
      observed.nodePortAt = locateIn(object, [...path, 'nodePort']);
    }
    return [observed];
  });
  return {
    cluster: '',
    object: { kind: 'Service', ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name },
    type: text(spec.type) ?? 'ClusterIP',
    ports,
    ...(spec.nodePort !== undefined ? { strayNodePortAt: locateIn(object, ['spec', 'nodePort'], 'key') } : {}),
    at: locateIn(object, []),
  };
}

/**
 * The claims a Service makes in its cluster: each numeric nodePort of a NodePort or LoadBalancer
 * Service, and each port of a ClusterIP one whose name is in `clusterIpNames` (the registry's
 * ClusterIP entries: other ClusterIP ports are nobody's plan). A nodePort that is a placeholder
 * (`${NODE_PORT}`, `3xxxx`) claims nothing and is added to `skipped`. A nodePort on a ClusterIP Service claims nothing
 * (the API server rejects it; invalid-service reports it). LoadBalancer Services take NodePorts too;
 * `allocateLoadBalancerNodePorts: false` only stops automatic ones, a written nodePort is still taken.
 */
export function serviceClaims(service: ObservedService, clusterIpNames: ReadonlySet<string> = new Set(), skipped: SkippedValue[] = []): PortClaim[] {
  const claims: PortClaim[] = [];
  const exposed = service.type === 'NodePort' || service.type === 'LoadBalancer';
  for (const port of service.ports) {
    if (typeof port.nodePort === 'string' && numeric(port.nodePort) === undefined && port.nodePortAt) {
      skipped.push({ reason: 'placeholder', text: port.nodePort, at: port.nodePortAt });
    }
    const portName = port.name ?? (service.ports.length > 1 && port.port !== undefined ? String(port.port) : undefined);
    const common = {
      cluster: service.cluster,
      protocol: port.protocol,
      service: service.object.name,
      ...(portName !== undefined ? { portName } : {}),
      status: 'active' as const,
      source: 'manifest' as const,
      object: service.object,
    };
    if (exposed) {
      const nodePort = numeric(port.nodePort);
      if (nodePort !== undefined) {
        claims.push({ ...common, port: nodePort, kind: 'nodePort', at: port.nodePortAt ?? port.at, ...(port.port !== undefined ? { servicePort: port.port } : {}) });
      }
    } else if (service.type === 'ClusterIP' && port.port !== undefined && clusterIpNames.has(service.object.name)) {
      claims.push({ ...common, port: port.port, kind: 'servicePort', at: port.at });
    }
  }
  return claims;
}

/** Every `hostPort` of a Pod or workload's containers. */
export function hostPortClaims(object: KubeObject): PortClaim[] {
  const specPath = POD_SPEC_PATHS[object.kind];
  if (!specPath) return [];
  let spec: unknown = object.body;
  for (const key of specPath) spec = mapping(spec)?.[key];
  const claims: PortClaim[] = [];
  for (const group of ['initContainers', 'containers'] as const) {
    list(mapping(spec)?.[group]).forEach((entry, c) => {
      const container = mapping(entry);
      list(container?.ports).forEach((portEntry, p) => {
        const port = mapping(portEntry);
        if (typeof port?.hostPort !== 'number') return;
        const portName = text(port.name) ?? text(container?.name);
        claims.push({
          cluster: '',
          port: port.hostPort,
          protocol: protocolOf(port.protocol),
          kind: 'hostPort',
          service: object.name,
          ...(portName !== undefined ? { portName } : {}),
          status: 'active',
          source: 'manifest',
          object: { kind: object.kind, ...(object.namespace !== undefined ? { namespace: object.namespace } : {}), name: object.name },
          ...(typeof port.containerPort === 'number' ? { containerPort: port.containerPort } : {}),
          at: locateIn(object, [...specPath, group, c, 'ports', p, 'hostPort']),
        });
      });
    });
  }
  return claims;
}

/** A port written as a number, or as digits in a string. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function protocolOf(value: unknown): Protocol {
  const name = typeof value === 'string' ? value.toUpperCase() : 'TCP';
  return (PROTOCOLS as readonly string[]).includes(name) ? (name as Protocol) : 'TCP';
}

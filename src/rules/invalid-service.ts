import { DEFAULT_NODE_PORT_RANGE, formatSpan } from '../core/span.ts';
import { defineRule } from './rule.ts';

/**
 * The API server rejects a nodePort on a ClusterIP Service and a nodePort outside its
 * --service-node-port-range, and rejects a quoted number. It silently ignores a `nodePort`
 * written under `spec` instead of under `spec.ports[]`, so the port is picked at random.
 */
export default defineRule({
  meta: {
    description: 'A Service that Kubernetes would reject or silently misread.',
    remediation: 'Set `type: NodePort` (or LoadBalancer) to keep a nodePort, move a nodePort into its `spec.ports[]` entry, write it as a number, and keep it inside the cluster\'s NodePort range.',
    defaultSeverity: 'error',
    messages: {
      nodePortOnClusterIP: 'Service {{object}} is {{type}} but sets nodePort {{nodePort}}; the API server rejects it',
      nodePortUnderSpec: 'Service {{object}} has `nodePort` directly under `spec`, where Kubernetes ignores it; it belongs in a `spec.ports[]` entry',
      outsideRange: 'Service {{object}} sets nodePort {{nodePort}}, outside cluster {{cluster}}\'s NodePort range {{range}}',
      quoted: 'Service {{object}} writes nodePort "{{nodePort}}" as text; the API server wants a number',
    },
  },
  check({ registry, observed, report }) {
    if (!observed) return;
    for (const service of observed.services) {
      const object = service.object.namespace ? `${service.object.namespace}/${service.object.name}` : service.object.name;
      const cluster = registry.clusters.find((c) => c.name === service.cluster);
      const range = cluster?.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
      const base = { cluster: service.cluster, service: service.object.name };
      if (service.strayNodePortAt) {
        report({ ...base, messageId: 'nodePortUnderSpec', data: { object }, locations: [service.strayNodePortAt] });
      }
      for (const port of service.ports) {
        if (port.nodePort === undefined || !port.nodePortAt) continue;
        const nodePort = typeof port.nodePort === 'number' ? port.nodePort : /^\s*\d+\s*$/.test(port.nodePort) ? Number(port.nodePort) : undefined;
        if (nodePort === undefined) continue; // a placeholder, listed as skipped by the scan
        const where = { ...base, port: nodePort, protocol: port.protocol, locations: [port.nodePortAt] };
        if (service.type !== 'NodePort' && service.type !== 'LoadBalancer') {
          report({ ...where, messageId: 'nodePortOnClusterIP', data: { object, type: service.type, nodePort } });
        } else if (typeof port.nodePort === 'string') {
          report({ ...where, messageId: 'quoted', data: { object, nodePort } });
        } else if (nodePort < range.from || nodePort > range.to) {
          report({ ...where, messageId: 'outsideRange', data: { object, nodePort, cluster: service.cluster, range: formatSpan(range) } });
        }
      }
    }
  },
});

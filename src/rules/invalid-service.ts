import { DEFAULT_NODE_PORT_RANGE, formatSpan } from '../core/span.ts';
import { defineRule } from './rule.ts';
import { objectLabel } from '../core/observation.ts';

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
      outsideRange: '{{object}} sets nodePort {{nodePort}}, outside cluster {{cluster}}\'s NodePort range {{range}}',
      quoted: 'Service {{object}} writes nodePort "{{nodePort}}" as text; the API server wants a number',
    },
  },
  check({ registry, observed, report }) {
    if (!observed) return;
    const rangeOf = (cluster: string) => registry.clusters.find((c) => c.name === cluster)?.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    // A Helm release's node port becomes a Service's when the chart renders it.
    for (const claim of observed.claims) {
      if (claim.source !== 'helm-values' || claim.kind !== 'nodePort') continue;
      const range = rangeOf(claim.cluster);
      if (claim.port >= range.from && claim.port <= range.to) continue;
      report({
        messageId: 'outsideRange',
        data: { object: objectLabel(claim), nodePort: claim.port, cluster: claim.cluster, range: formatSpan(range) },
        cluster: claim.cluster,
        service: claim.service,
        port: claim.port,
        protocol: claim.protocol,
        locations: [claim.at],
      });
    }
    for (const service of observed.services) {
      const object = service.object.namespace ? `${service.object.namespace}/${service.object.name}` : service.object.name;
      const range = rangeOf(service.cluster);
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
          report({ ...where, messageId: 'outsideRange', data: { object: `Service ${object}`, nodePort, cluster: service.cluster, range: formatSpan(range) } });
        }
      }
    }
  },
});

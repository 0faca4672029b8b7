import { defineRule } from './rule.ts';
import { kubectlName } from '../core/observation.ts';
import { EXPORT_LABEL_VALUES } from '../core/mesh.ts';

/**
 * Linkerd mirrors only the Services labelled `mirror.linkerd.io/exported`: `"true"` through the
 * multicluster gateway, `remote-discovery` straight to the target's pods. A registry that says a
 * cluster exports a service, over a Service without the label, plans an address that resolves
 * nowhere; the clients find out at runtime.
 */
export default defineRule({
  meta: {
    description: 'The registry says a cluster exports a service to other clusters, and the Service the repository deploys there has no export label (or the other mode).',
    remediation: 'Label the Service `mirror.linkerd.io/exported: "true"` (or `remote-discovery`, as `mesh.exports` says), or take the cluster out of the service\'s `mesh.exports`.',
    defaultSeverity: 'error',
    messages: {
      missing: '{{object}} in cluster {{cluster}} is not labelled {{label}}: "{{wanted}}", but the registry says cluster {{cluster}} exports {{service}} ({{mode}})',
      otherMode: '{{object}} in cluster {{cluster}} is labelled {{label}}: {{value}}, but the registry exports {{service}} by {{mode}} (label value {{wanted}})',
    },
  },
  check({ registry, observed, report }) {
    if (!observed || !registry.mesh) return;
    for (const entry of registry.mesh.exports) {
      if (!observed.clusters.includes(entry.cluster)) continue;
      const service = registry.services.find((s) => s.name === entry.service);
      if (!service) continue;
      const name = service.kubernetesName ?? service.name;
      const deployed = observed.services.filter((s) => s.cluster === entry.cluster && s.object.name === name && (service.namespace === undefined || s.object.namespace === undefined || s.object.namespace === service.namespace));
      const wanted = EXPORT_LABEL_VALUES[entry.mode];
      for (const object of deployed) {
        const data = { object: kubectlName(object.object), cluster: entry.cluster, service: service.name, label: 'mirror.linkerd.io/exported', mode: entry.mode, wanted };
        const where = { cluster: entry.cluster, service: service.name };
        if (!object.meshExport || object.meshExport.value === 'false') report({ messageId: 'missing', data, ...where, locations: [object.meshExport?.at ?? object.at, entry.at] });
        else if (object.meshExport.value !== wanted) report({ messageId: 'otherMode', data: { ...data, value: object.meshExport.value }, ...where, locations: [object.meshExport.at, entry.at] });
      }
    }
  },
});

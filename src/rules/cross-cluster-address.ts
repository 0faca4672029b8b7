import { defineRule } from './rule.ts';
import { addressTarget, gatewayPortOf, isExported, isLinked, meshPorts } from '../core/mesh.ts';
import type { Location } from '../core/types.ts';

/** One place an address is used: the clusters it is used from, and where it is written. */
interface AddressUse {
  text: string;
  host: string;
  port?: number;
  from: string[];
  at: Location;
}

/**
 * Through Linkerd multicluster a client in cluster A reaches service S of cluster B by S's mirror
 * in A (`S-B`, or the team's own name for it). The mirror exists only when B exports S (the label
 * `mirror.linkerd.io/exported` on S's Service) and A is linked to B (a `Link` in A), and it
 * carries S's Service ports: a node port is what B's nodes listen on, and means nothing through
 * the mesh. The addresses checked are the registry's `mesh.addresses` and, with `--repo`, those
 * written in deployed manifests, Helm values, ConfigMaps and container env.
 */
export default defineRule({
  meta: {
    description: "An address of another cluster's service names a service that cluster does not export, a cluster that is not linked to the one it is used from, or a port that is not the service's port.",
    remediation: 'Export the service (`mesh.exports`, and the `mirror.linkerd.io/exported` label on its Service), link the clusters (`mesh.links`, a Linkerd `Link`), or use the Service port the message names: through the mesh a client uses the Service\'s own port, never the node port.',
    defaultSeverity: 'error',
    messages: {
      notExported: '{{address}} names {{service}} in cluster {{cluster}}, which cluster {{cluster}} does not export to other clusters',
      notLinked: '{{address}} is used in cluster {{from}}, which is not linked to cluster {{cluster}}, so {{service}} has no mirror there',
      nodePort: '{{address}} uses port {{port}}, the node port of {{service}} in cluster {{cluster}}; through the mesh the Service port is used: {{right}}',
      wrongPort: '{{address}} uses port {{port}}, which is no port of {{service}} in cluster {{cluster}}; its Service ports: {{right}}',
      gatewayPort: "the Link to cluster {{target}} in cluster {{cluster}} sends its {{role}} to port {{port}}, but {{service}}, cluster {{target}}'s multicluster gateway, takes {{right}} for it",
    },
  },
  check({ registry, observed, report }) {
    // Without a mesh in the registry, `redis-prod` is a Helm release's name, not a mirror.
    if (!registry.mesh && !registry.clusters.some((c) => c.crossClusterUrl !== undefined)) return;
    const uses: AddressUse[] = [];
    for (const address of registry.mesh?.addresses ?? []) {
      let url: URL | undefined;
      try {
        url = new URL(address.url.includes('://') ? address.url : `tcp://${address.url}`);
      } catch {
        url = undefined;
      }
      if (!url || !url.hostname) continue;
      const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
      uses.push({ text: address.url, host: url.hostname, ...(port !== undefined ? { port } : {}), from: address.from, at: address.at });
    }
    for (const address of observed?.mesh?.addresses ?? []) {
      uses.push({ text: address.text, host: address.host, ...(address.port !== undefined ? { port: address.port } : {}), from: [address.cluster], at: address.at });
    }
    for (const use of uses) {
      const target = addressTarget(registry, use.host);
      if (!target) continue;
      const { cluster } = target;
      const name = target.service?.name ?? target.name;
      const base = { address: use.text, service: name, cluster };
      const from = use.from.length > 0 ? use.from : registry.clusters.map((c) => c.name).filter((c) => c !== cluster);
      // A finding is the cluster's where the address is written (one cluster), else the target's; it concerns both.
      const about = { cluster: from.length === 1 ? from[0]! : cluster, clusters: [...new Set([...from, cluster])] };
      if (!target.service || !isExported(registry, target.service, cluster, observed)) {
        report({ messageId: 'notExported', data: base, ...about, service: name, locations: [use.at, ...(target.service ? [target.service.at] : [])] });
        continue;
      }
      const unlinked = from.filter((source) => !isLinked(registry, source, cluster, observed));
      if (unlinked.length > 0) {
        report({ messageId: 'notLinked', data: { ...base, from: unlinked.join(', ') }, cluster: unlinked[0]!, clusters: unlinked, service: name, locations: [use.at] });
      }
      if (use.port === undefined) continue;
      const ports = meshPorts(target.service, cluster);
      if (ports.some((p) => p.port === use.port)) continue;
      const label = (p: { name?: string; port?: number }) => `${p.name ? `${p.name} ` : ''}${p.port}`;
      const known = ports.filter((p) => p.port !== undefined);
      const held = ports.find((p) => p.nodePort === use.port);
      const where = { ...about, service: name, port: use.port, locations: [use.at, target.service.at] };
      const unstated = 'the one the registry does not state yet (add `servicePort` beside the node port)';
      if (held) report({ messageId: 'nodePort', data: { ...base, port: use.port, right: held.port !== undefined ? label(held) : unstated }, ...where });
      else if (known.length > 0 && known.length === ports.length) report({ messageId: 'wrongPort', data: { ...base, port: use.port, right: known.map(label).join(', ') }, ...where });
    }
    // A Link reaches the target's gateway at its planned node port (a homelab's NodePort gateway) or its LoadBalancer port.
    for (const link of observed?.mesh?.links ?? []) {
      for (const [role, written] of [['gateway', link.gatewayPort], ['probe', link.probePort]] as const) {
        const planned = written ? gatewayPortOf(registry, link.target, role) : undefined;
        if (!written || !planned || planned.port === written.port) continue;
        report({
          messageId: 'gatewayPort',
          data: { target: link.target, cluster: link.cluster, role: role === 'gateway' ? 'traffic' : 'probe', port: written.port, service: planned.service.name, right: `${planned.name ? `${planned.name} ` : ''}${planned.port}` },
          cluster: link.cluster,
          clusters: [link.cluster, link.target],
          service: planned.service.name,
          port: written.port,
          locations: [written.at, planned.service.at],
        });
      }
    }
  },
});

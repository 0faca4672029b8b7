/**
 * Ports that well-known charts open from their own defaults once a value switches them on: a
 * release that says only `controller.hostPort.enabled: true` binds 80 and 443 on every node.
 * One entry a chart, keyed by the chart's name as its repository publishes it. Ports whose number
 * the values must give (no default) are listed too, so a reader sees every values path that sets one.
 */

/** One port a chart opens: where its number is in the values, its default, and what switches it on. */
export interface KnownPort {
  /** nodePort: a NodePort of the chart's Service; hostPort: a port bound on each node that runs the pod. */
  kind: 'nodePort' | 'hostPort';
  /** The values path of the port's number. */
  path: string;
  /** The chart's default number; absent when Kubernetes picks one (or nothing is opened) unless the values give it. */
  default?: number;
  /** The values that must hold for the port to be opened, each with the chart's own default. */
  when: { path: string; equals: unknown; default: unknown }[];
}

/** A chart and the ports it may open. */
export interface KnownChart {
  chart: string;
  /** Other names the chart is published under. */
  aliases?: string[];
  ports: KnownPort[];
}

const nodePortService = (prefix: string) => ({ path: `${prefix}type`, equals: 'NodePort', default: 'ClusterIP' });

/** The table, sorted by chart name. */
export const KNOWN_CHARTS: readonly KnownChart[] = [
  {
    chart: 'argo-cd',
    ports: [
      { kind: 'nodePort', path: 'server.service.nodePortHttp', default: 30080, when: [nodePortService('server.service.')] },
      { kind: 'nodePort', path: 'server.service.nodePortHttps', default: 30443, when: [nodePortService('server.service.')] },
    ],
  },
  { chart: 'grafana', ports: [{ kind: 'nodePort', path: 'service.nodePort', when: [nodePortService('service.')] }] },
  { chart: 'headlamp', ports: [{ kind: 'nodePort', path: 'service.nodePort', when: [nodePortService('service.')] }] },
  {
    chart: 'ingress-nginx',
    ports: [
      { kind: 'hostPort', path: 'controller.hostPort.ports.http', default: 80, when: [{ path: 'controller.hostPort.enabled', equals: true, default: false }] },
      { kind: 'hostPort', path: 'controller.hostPort.ports.https', default: 443, when: [{ path: 'controller.hostPort.enabled', equals: true, default: false }] },
      // The controller's Service is a LoadBalancer by default, which takes node ports too.
      { kind: 'nodePort', path: 'controller.service.nodePorts.http', when: [] },
      { kind: 'nodePort', path: 'controller.service.nodePorts.https', when: [] },
    ],
  },
  {
    chart: 'kafka',
    ports: [{ kind: 'nodePort', path: 'externalAccess.controller.service.nodePorts', when: [{ path: 'externalAccess.enabled', equals: true, default: false }] }],
  },
  {
    chart: 'kube-prometheus-stack',
    ports: [
      { kind: 'nodePort', path: 'prometheus.service.nodePort', default: 30090, when: [nodePortService('prometheus.service.')] },
      { kind: 'nodePort', path: 'alertmanager.service.nodePort', default: 30903, when: [nodePortService('alertmanager.service.')] },
      { kind: 'nodePort', path: 'grafana.service.nodePort', when: [nodePortService('grafana.service.')] },
      // node-exporter runs on the host network: its port is bound on every node.
      { kind: 'hostPort', path: 'prometheus-node-exporter.service.port', default: 9100, when: [{ path: 'nodeExporter.enabled', equals: true, default: true }] },
    ],
  },
  { chart: 'loki', ports: [{ kind: 'nodePort', path: 'gateway.service.nodePort', when: [nodePortService('gateway.service.')] }] },
  {
    chart: 'metallb',
    ports: [
      // The speaker runs on the host network; memberlist binds 7946 on every node.
      { kind: 'hostPort', path: 'speaker.memberlist.mlBindPort', default: 7946, when: [{ path: 'speaker.enabled', equals: true, default: true }] },
    ],
  },
  {
    chart: 'minio',
    ports: [
      { kind: 'nodePort', path: 'service.nodePort', default: 32000, when: [nodePortService('service.')] },
      { kind: 'nodePort', path: 'consoleService.nodePort', default: 32001, when: [nodePortService('consoleService.')] },
    ],
  },
  {
    chart: 'prometheus-node-exporter',
    ports: [{ kind: 'hostPort', path: 'service.port', default: 9100, when: [{ path: 'hostNetwork', equals: true, default: true }] }],
  },
  {
    chart: 'rabbitmq',
    ports: [
      { kind: 'nodePort', path: 'service.nodePorts.amqp', when: [nodePortService('service.')] },
      { kind: 'nodePort', path: 'service.nodePorts.manager', when: [nodePortService('service.')] },
    ],
  },
  { chart: 'tempo', ports: [] },
  {
    chart: 'traefik',
    ports: [
      { kind: 'hostPort', path: 'ports.web.hostPort', when: [] },
      { kind: 'hostPort', path: 'ports.websecure.hostPort', when: [] },
      { kind: 'nodePort', path: 'ports.web.nodePort', when: [] },
      { kind: 'nodePort', path: 'ports.websecure.nodePort', when: [] },
    ],
  },
];

/** The table's entry for a chart name (`ingress-nginx`, `ingress-nginx/ingress-nginx`, `oci://.../grafana`). */
export function knownChart(chart: string | undefined): KnownChart | undefined {
  if (chart === undefined) return undefined;
  const name = chart.replace(/\/+$/, '').split('/').pop()!;
  return KNOWN_CHARTS.find((entry) => entry.chart === name || entry.aliases?.includes(name));
}

import { Counter, Gauge, Histogram, Registry as MetricsRegistry } from 'prom-client';
import type { CheckResult } from '../core/types.ts';
import { checkRegistry } from '../engine/check.ts';
import { rangeUsage } from '../engine/queries.ts';
import type { HeldRegistry, RegistryCache } from '../engine/registry-cache.ts';
import type { LiveSchedule } from './live-schedule.ts';

/** The server's Prometheus metrics, each computed from the registry held in memory when scraped. */
export interface ServerMetrics {
  registry: MetricsRegistry;
  /** Counts a change that was written (not a dry run). */
  changed(action: 'allocate' | 'move' | 'release' | 'reserve'): void;
  /** Records how long a request took, by route. */
  observe(route: string, method: string, status: number, seconds: number): void;
}

/** The metrics of one server over one registry. */
export function serverMetrics(cache: RegistryCache, live?: LiveSchedule): ServerMetrics {
  const registry = new MetricsRegistry();
  if (live) liveMetrics(registry, live);
  let checked: { etag: string; result: CheckResult } | undefined;
  const current = (): HeldRegistry | undefined => {
    try {
      return cache.current();
    } catch {
      return undefined;
    }
  };
  // How full each range is, per cluster: the ports nobody else may be given, and the range's size.
  const rangeGauge = (name: string, help: string, value: (usage: ReturnType<typeof rangeUsage>[number], used: number) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['range', 'cluster'],
      registers: [registry],
      collect() {
        this.reset();
        const held = current();
        if (!held) return;
        for (const usage of rangeUsage(held.registry)) for (const cluster of usage.clusters) this.set({ range: usage.range.name, cluster: cluster.cluster }, value(usage, cluster.used));
      },
    });
  rangeGauge('portolan_range_ports_used', 'Ports of a range that nobody else may be given in a cluster: held or reserved', (_usage, used) => used);
  rangeGauge('portolan_range_ports_size', 'Ports in a range', (usage) => usage.size);
  new Gauge({
    name: 'portolan_findings',
    help: 'What check finds in the registry, by rule, severity and cluster (none: about no one cluster)',
    labelNames: ['rule', 'severity', 'cluster'],
    registers: [registry],
    collect() {
      this.reset();
      const held = current();
      if (!held) return;
      if (checked?.etag !== held.etag) checked = { etag: held.etag, result: checkRegistry(held.registry) };
      for (const finding of checked.result.findings) this.inc({ rule: finding.ruleId, severity: finding.severity, cluster: finding.cluster ?? 'none' });
    },
  });
  new Gauge({
    name: 'portolan_registry_reloads',
    help: 'Times the registry file was read again after it changed, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.set({ outcome: 'ok' }, cache.reloads.ok);
      this.set({ outcome: 'failed' }, cache.reloads.failed);
    },
  });
  const changes = new Counter({ name: 'portolan_changes_total', help: 'Changes written to the registry, by action (allocate, move, release, reserve)', labelNames: ['action'], registers: [registry] });
  for (const action of ['allocate', 'move', 'release', 'reserve']) changes.inc({ action }, 0);
  const durations = new Histogram({
    name: 'portolan_http_request_duration_seconds',
    help: 'How long requests took, by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    changed: (action) => changes.inc({ action }),
    observe: (route, method, status, seconds) => durations.observe({ route, method, status: String(status) }, seconds),
  };
}

/** The drift of the last scheduled live check, per cluster (`serve --live-interval`). */
function liveMetrics(registry: MetricsRegistry, live: LiveSchedule): void {
  const drift = () => {
    const last = live.last();
    return last.state === 'done' ? last.result.drift.clusters : [];
  };
  new Gauge({
    name: 'portolan_live_cluster_up',
    help: 'Whether the last live check could read the cluster (1) or not (0; cluster-unreachable says why)',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cluster of drift()) this.set({ cluster: cluster.cluster }, cluster.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'portolan_live_findings',
    help: 'What the last live check found in each cluster, by rule',
    labelNames: ['cluster', 'rule'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cluster of drift()) for (const [rule, count] of Object.entries(cluster.findings)) this.set({ cluster: cluster.cluster, rule }, count);
    },
  });
  new Gauge({
    name: 'portolan_live_automatic_nodeports',
    help: 'Node ports that Kubernetes chose itself in each cluster, in the last live check',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cluster of drift()) this.set({ cluster: cluster.cluster }, cluster.automaticNodePorts);
    },
  });
  new Gauge({
    name: 'portolan_live_check_timestamp_seconds',
    help: 'When the last live check ended (Unix time), whether it ran or failed',
    registers: [registry],
    collect() {
      const last = live.last();
      this.set(last.state === 'pending' ? 0 : last.at.getTime() / 1000);
    },
  });
}

import type { ServiceDetail } from '../engine/port-map.ts';

/** A service as the dashboard shows it, as JSON: names, exposure, status, owner, notes, ports per cluster, mesh routes. */
export function serviceJson(detail: ServiceDetail): string {
  const { service } = detail;
  return `${JSON.stringify({
    name: service.name,
    title: service.title ?? null,
    range: service.range ?? null,
    namespace: service.namespace ?? null,
    exposure: service.exposure,
    status: service.status,
    replacedBy: service.replacedBy ?? null,
    owner: service.owner ?? null,
    notes: service.notes ?? null,
    clusters: service.clusters,
    at: `${service.at.file}:${service.at.line}`,
    ports: detail.ports,
    mesh: detail.routes,
  })}\n`;
}

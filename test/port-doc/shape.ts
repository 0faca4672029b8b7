import { formatSpans } from '../../src/core/span.ts';
import type { Registry } from '../../src/core/types.ts';
import { checkRegistry } from '../../src/engine/check.ts';
import { portPlan } from '../../src/engine/queries.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import type { RegistryDocument } from '../../src/registry/schema.ts';
import { registryYaml } from '../../src/registry/write.ts';
import { portDocument } from '../../src/reporters/port-document.ts';
import { importPortDocument, type PortDocumentImport } from '../../src/sources/port-doc/index.ts';
import { ruleIds } from '../../src/rules/index.ts';

/** A registry document as the loader reads it, through the writer: proves the writer's text is valid too. */
export function registryOf(document: RegistryDocument, file = 'portolan.yaml'): Registry {
  return parseRegistry(file, registryYaml(document), { ruleIds });
}

/** What a port document must keep of a registry: services, ports, protocols, clusters, ranges, status. */
export function shape(registry: Registry) {
  const byName = <T extends { name: string }>(list: T[]) => list.sort((a, b) => a.name.localeCompare(b.name));
  return {
    ranges: byName(registry.ranges.map((r) => ({ name: r.name, ports: formatSpans(r.spans) }))),
    clusters: byName(registry.clusters.map((c) => ({ name: c.name, production: c.production }))),
    services: byName(
      registry.services.map((s) => ({
        name: s.name,
        range: s.range ?? null,
        clusters: s.allClusters ? 'all' : [...s.clusters].sort(),
        status: s.status,
        exposure: s.exposure,
        ports: s.ports
          .map((p) => ({
            name: p.name ?? null,
            port: p.port,
            protocol: p.protocol,
            overrides: p.overrides.map((o) => `${o.cluster}=${o.port}`).sort(),
          }))
          .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')),
      })),
    ),
  };
}

/** What else a generated document carries back: titles, notes, namespaces, reservations, address patterns. */
export function details(registry: Registry) {
  return {
    notes: registry.notes,
    clusters: registry.clusters.map((c) => [c.name, c.title ?? null, c.crossClusterUrl ?? null]).sort(),
    services: registry.services
      .map((s) => [s.name, s.title ?? null, s.namespace ?? null, s.notes ?? null, s.ports.map((p) => p.notes ?? null)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    reserved: registry.reserved.map((r) => [formatSpans(r.spans), r.reason, r.clusters]),
  };
}

/** The port document of a registry, imported again. */
export function throughDocument(registry: Registry): { markdown: string; imported: PortDocumentImport; registry: Registry } {
  const markdown = portDocument(portPlan(registry, checkRegistry(registry)));
  const imported = importPortDocument('PORTS.md', markdown);
  return { markdown, imported, registry: registryOf(imported.registry) };
}

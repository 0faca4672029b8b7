import { dirname, relative, sep } from 'node:path';
import { inSpans } from '../core/span.ts';
import type { Finding, Ignore, Location, Registry, Service } from '../core/types.ts';
import { globPattern } from '../sources/gitops-repo/globs.ts';

/** The findings an ignore accepted, those it did not, and the ignores that accepted nothing. */
export interface IgnoreOutcome {
  kept: Finding[];
  suppressed: Finding[];
  /** Ignores that matched no finding of a rule that ran. */
  unused: Ignore[];
}

/**
 * Applies the registry's ignores and the objects' annotations to labelled findings: a finding that
 * one matches is suppressed, with the reason. `ran` is the rules that ran, so an ignore of a rule
 * that is off, or left out with --rule, is not reported as unused.
 */
export function applyIgnores(
  findings: readonly Finding[],
  registry: Registry,
  annotations: readonly Ignore[],
  ran: ReadonlySet<string>,
  known: ReadonlySet<string>,
): IgnoreOutcome {
  // Only a service's own ignore needs its service found by name: most registries have a few, and 100,000 services.
  const named = registry.ignores.some((ignore) => ignore.service !== undefined);
  const services = new Map<string, Service>();
  if (named) for (const service of registry.services) services.set(service.name, service);
  const matchers = [
    ...registry.ignores.map((ignore) => ({ ignore, kind: 'registry' as const, matches: registryMatcher(ignore, registry, services) })),
    // An annotation without its reason accepts nothing; unused-ignore tells why.
    ...annotations.map((ignore) => ({ ignore, kind: 'annotation' as const, matches: (finding: Finding) => ignore.reason !== '' && annotationMatches(ignore, finding) })),
  ];
  const used = new Set<Ignore>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const matcher = matchers.find((m) => m.matches(finding));
    if (!matcher) {
      kept.push(finding);
      continue;
    }
    used.add(matcher.ignore);
    suppressed.push({ ...finding, suppression: { kind: matcher.kind, reason: matcher.ignore.reason, at: matcher.ignore.at } });
  }
  // An annotation naming no rule at all (a typo) is unused too: nothing could ever match it.
  const unused = matchers
    .map((m) => m.ignore)
    .filter((ignore) => !used.has(ignore) && (ignore.rule === undefined || ran.has(ignore.rule) || (ignore.object !== undefined && !known.has(ignore.rule))));
  return { kept, suppressed, unused };
}

function registryMatcher(ignore: Ignore, registry: Registry, services: Map<string, Service>): (finding: Finding) => boolean {
  const service = ignore.service === undefined ? undefined : services.get(ignore.service);
  const places = service ? new Set(serviceLocations(service).map(key)) : undefined;
  const files = ignore.files.map(globPattern);
  const base = dirname(registry.file);
  return (finding) =>
    (ignore.rule === undefined || finding.ruleId === ignore.rule) &&
    (ignore.clusters.length === 0 || findingClusters(finding).some((cluster) => ignore.clusters.includes(cluster))) &&
    (ignore.ports.length === 0 || (finding.port !== undefined && inSpans(finding.port, ignore.ports))) &&
    (files.length === 0 || (finding.locations[0] !== undefined && files.some((pattern) => pattern.test(relativeTo(base, finding.locations[0]!.file))))) &&
    (service === undefined || finding.service === service.name || finding.locations.some((location) => places!.has(key(location))));
}

/** An annotation accepts its rules' findings whose main place lies inside the annotated object. */
function annotationMatches(ignore: Ignore, finding: Finding): boolean {
  const main = finding.locations[0];
  const object = ignore.object!;
  return (
    (ignore.rule === undefined || finding.ruleId === ignore.rule) &&
    main !== undefined &&
    main.file === object.file &&
    main.line >= object.fromLine &&
    main.line <= object.toLine
  );
}

/** The clusters a finding concerns: its own, or the several it names. */
function findingClusters(finding: Finding): string[] {
  return finding.clusters ?? (finding.cluster !== undefined ? [finding.cluster] : []);
}

/** Every place the registry writes something of the service: its key, ports, overrides, range and clusters. */
function serviceLocations(service: Service): Location[] {
  return [
    service.at,
    service.clustersAt,
    ...service.clusterAt,
    ...(service.rangeAt ? [service.rangeAt] : []),
    ...service.ports.flatMap((port) => [port.at, ...port.overrides.map((o) => o.at)]),
  ];
}

function key(location: Location): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** A finding's file as the registry's globs see it: relative to the registry's folder, with `/`. */
function relativeTo(base: string, file: string): string {
  return relative(base, file).split(sep).join('/');
}

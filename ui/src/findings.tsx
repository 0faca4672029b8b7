import { useEffect, useRef, useState } from 'preact/hooks';
import type { Finding, MapSummary } from './api.ts';
import { spansOf } from './cells.ts';
import { LineLink, RulePage } from './lines.tsx';
import { href } from './route.ts';

const SEVERITY_MARK: Record<string, string> = { error: '✖', warning: '▲', info: '●' };
type Group = 'rule' | 'cluster' | 'range' | 'severity';
/** How many findings a group shows until asked for all: a large registry has thousands. */
const GROUP_SHOWN = 200;

/** The range of the map a finding's port lies in: its own range when that holds the port, else any that does. */
export function mapPlaceOf(finding: Finding, summary: MapSummary): { range: string; cluster: string; port: number } | null {
  if (finding.port === null) return null;
  const holds = (ports: string) => spansOf(ports).some((span) => finding.port! >= span.from && finding.port! <= span.to);
  const own = summary.ranges.find((r) => r.name === finding.range && holds(r.ports));
  const range = own ?? summary.ranges.find((r) => holds(r.ports));
  if (!range) return null;
  return { range: range.name, cluster: finding.cluster ?? summary.clusters[0]!, port: finding.port };
}

/** What check finds, grouped and filtered by cluster, range, rule and severity; each linked to its cells, its lines and its rule. */
export function FindingsView({ findings, summary, params, stale }: { findings: Finding[]; summary: MapSummary; params: Record<string, string>; stale: boolean }) {
  const [filters, setFilters] = useState({ cluster: params.cluster ?? '', range: params.range ?? '', rule: params.rule ?? '', severity: params.severity ?? '' });
  const [group, setGroup] = useState<Group>('rule');
  const [rule, setRule] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const focused = useRef<HTMLLIElement>(null);
  useEffect(() => {
    setFilters({ cluster: params.cluster ?? '', range: params.range ?? '', rule: params.rule ?? '', severity: params.severity ?? '' });
  }, [params.cluster, params.range, params.rule, params.severity]);
  useEffect(() => focused.current?.scrollIntoView({ block: 'center' }), [params.port, findings]);
  const port = params.port !== undefined ? Number(params.port) : undefined;
  const shown = findings.filter(
    (f) =>
      (filters.cluster === '' || f.cluster === filters.cluster || f.cluster === null) &&
      (filters.range === '' || f.range === filters.range) &&
      (filters.rule === '' || f.ruleId === filters.rule) &&
      (filters.severity === '' || f.severity === filters.severity),
  );
  const groups = new Map<string, Finding[]>();
  // The finding a link points at comes first in its group, so that it is shown however long the group is.
  if (port !== undefined) shown.sort((a, b) => Number(b.port === port) - Number(a.port === port));
  for (const f of shown) {
    const key = (group === 'rule' ? f.ruleId : group === 'cluster' ? f.cluster : group === 'range' ? f.range : f.severity) ?? '(none)';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const options = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))].sort();
  const select = (name: keyof typeof filters, label: string, values: string[]) => (
    <label>
      {label}{' '}
      <select value={filters[name]} onChange={(event) => setFilters({ ...filters, [name]: (event.target as HTMLSelectElement).value })}>
        <option value="">all</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
  let first = true;
  return (
    <section id="findings" class={stale ? 'stale' : ''} aria-labelledby="findings-title">
      <h2 id="findings-title">
        Findings <span class="quiet">{shown.length} of {findings.length}</span>
      </h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        {select('cluster', 'Cluster', options(findings.map((f) => f.cluster)))}
        {select('range', 'Range', options(findings.map((f) => f.range)))}
        {select('rule', 'Rule', options(findings.map((f) => f.ruleId)))}
        {select('severity', 'Severity', options(findings.map((f) => f.severity)))}
        <label>
          Group by{' '}
          <select value={group} onChange={(event) => setGroup((event.target as HTMLSelectElement).value as Group)}>
            <option value="rule">rule</option>
            <option value="cluster">cluster</option>
            <option value="range">range</option>
            <option value="severity">severity</option>
          </select>
        </label>
      </form>
      {rule ? <RulePage id={rule} onClose={() => setRule(null)} /> : null}
      {[...groups].map(([key, list]) => (
        <section key={key} class="finding-group" aria-label={`${group} ${key}`}>
          <h3>
            {key} <span class="quiet">({list.length})</span>
          </h3>
          <ul class="findings">
            {(expanded.has(key) ? list : list.slice(0, GROUP_SHOWN)).map((f, i) => {
              const place = mapPlaceOf(f, summary);
              const isFocus = port !== undefined && f.port === port && first;
              if (isFocus) first = false;
              return (
                <li key={`${f.ruleId}-${i}-${f.message}`} ref={isFocus ? focused : undefined} class={`finding ${f.severity}${isFocus ? ' focused' : ''}`} data-rule={f.ruleId}>
                  <span class="severity">
                    <span aria-hidden="true">{SEVERITY_MARK[f.severity] ?? '•'}</span> {f.severity}
                  </span>{' '}
                  <button type="button" class="link rule" onClick={() => setRule(f.ruleId)}>
                    {f.ruleId}
                  </button>{' '}
                  <span class="message">{f.message}</span>
                  <div class="places">
                    {place ? <a href={href('map', place.range, { cluster: place.cluster, port: String(place.port) })}>on the map ({place.cluster} {place.port})</a> : null}
                    {f.locations.map((l) => (
                      <LineLink key={`${l.file}:${l.line}`} at={`${l.file}:${l.line}`} />
                    ))}
                  </div>
                </li>
              );
            })}
          </ul>
          {list.length > GROUP_SHOWN && !expanded.has(key) ? (
            <button type="button" onClick={() => setExpanded(new Set([...expanded, key]))}>
              show all {list.length}
            </button>
          ) : null}
        </section>
      ))}
    </section>
  );
}

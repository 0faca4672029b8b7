import { formatSpans } from '../core/span.ts';
import { suggestion } from '../core/suggest.ts';
import type { Ignore } from '../core/types.ts';
import { defineRule } from './rule.ts';

/**
 * An ignore that accepts nothing is a finding in waiting: whatever it once accepted was fixed,
 * and the next problem of the same kind there would be hidden without anybody deciding so. ESLint
 * reports unused disable directives for the same reason.
 */
export default defineRule({
  meta: {
    description: 'An ignore in the registry, or a portolan.dev/ignore annotation, accepts no finding.',
    remediation: 'Remove the ignore, since what it accepted is gone; if the finding moved, point the ignore at its new place.',
    defaultSeverity: 'warning',
    afterIgnores: true,
    messages: {
      registry: '{{what}} accepts no finding of {{rule}}{{scope}}; remove it ({{reason}})',
      annotation: 'the portolan.dev/ignore annotation of {{object}} accepts no finding of {{rule}}; remove it ({{reason}})',
      noReason: 'the portolan.dev/ignore annotation of {{object}} gives no reason, so it accepts nothing; say why in portolan.dev/ignore-reason',
      unknownRule: 'the portolan.dev/ignore annotation of {{object}} names "{{rule}}", which is no rule; {{hint}}',
    },
  },
  check({ unusedIgnores = [], ruleIds = [], report }) {
    for (const ignore of unusedIgnores) {
      const rule = ignore.rule ?? 'any rule';
      if (ignore.object) {
        const { ref } = ignore.object;
        const object = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
        const messageId = !ruleIds.includes(rule) ? 'unknownRule' : ignore.reason === '' ? 'noReason' : 'annotation';
        report({ messageId, data: { object, rule, reason: ignore.reason, hint: suggestion(rule, ruleIds, 'rules') }, locations: [ignore.at] });
        continue;
      }
      report({
        messageId: 'registry',
        data: { what: ignore.service ? `the ignore of service ${ignore.service}` : 'the ignore', rule, scope: scope(ignore), reason: ignore.reason },
        ...(ignore.service !== undefined ? { service: ignore.service } : {}),
        ...(ignore.clusters.length === 1 ? { cluster: ignore.clusters[0]! } : ignore.clusters.length > 1 ? { clusters: ignore.clusters } : {}),
        locations: [ignore.at],
      });
    }
  },
});

/** ` in cluster pro, ports 30080, files apps/**`: what else the ignore is limited to. */
function scope(ignore: Ignore): string {
  const parts = [
    ignore.clusters.length ? `${ignore.clusters.length === 1 ? 'cluster' : 'clusters'} ${ignore.clusters.join(', ')}` : '',
    ignore.ports.length ? `ports ${formatSpans(ignore.ports)}` : '',
    ignore.files.length ? `files ${ignore.files.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? ` in ${parts.join(', ')}` : '';
}

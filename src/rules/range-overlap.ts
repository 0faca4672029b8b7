import { formatSpans, intersectSpans } from '../core/span.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'Two ranges share ports, so a port could belong to either purpose.',
    remediation: 'Shrink or move one of the ranges so that each port belongs to one purpose.',
    defaultSeverity: 'error',
    messages: {
      overlap: 'ranges {{first}} and {{second}} share {{shared}}',
    },
  },
  check({ registry, report }) {
    const { ranges } = registry;
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const first = ranges[i]!;
        const second = ranges[j]!;
        const shared = intersectSpans(first.spans, second.spans);
        if (shared.length === 0) continue;
        report({
          messageId: 'overlap',
          data: { first: first.name, second: second.name, shared: formatSpans(shared) },
          range: first.name,
          port: shared[0]!.from,
          locations: [second.at, first.at],
        });
      }
    }
  },
});

import { suggestion } from '../core/suggest.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A service names a range that the registry does not define.',
    remediation: 'Correct the name to one of the ranges under `ranges`, or add the range.',
    defaultSeverity: 'error',
    messages: {
      unknown: '{{service}} names range "{{range}}", which is not defined; {{hint}}',
    },
  },
  check({ registry, report }) {
    const names = registry.ranges.map((range) => range.name);
    const known = new Set(names);
    for (const service of registry.services) {
      if (service.range === undefined || known.has(service.range)) continue;
      report({
        messageId: 'unknown',
        data: { service: service.name, range: service.range, hint: suggestion(service.range, names, 'ranges') },
        service: service.name,
        locations: [service.rangeAt ?? service.at],
      });
    }
  },
});

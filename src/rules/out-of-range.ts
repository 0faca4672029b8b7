import { formatSpans, inSpans } from '../core/span.ts';
import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A service uses a port outside the range it says it belongs to.',
    remediation: "Move the port into the service's range (`portolan free RANGE` lists the free ones), or correct the service's `range`.",
    defaultSeverity: 'error',
    messages: {
      outside: '{{service}} uses port {{port}}, outside its range {{range}} ({{span}})',
      insideOther: '{{service}} uses port {{port}}, outside its range {{range}} ({{span}}) and inside {{other}} ({{otherSpan}})',
    },
  },
  check({ registry, ranges, report }) {
    const byName = new Map(registry.ranges.map((range) => [range.name, range]));
    for (const service of registry.services) {
      const range = service.range === undefined ? undefined : byName.get(service.range);
      if (!range) continue; // no range, or an unknown one: other rules speak of it
      for (const port of service.ports) {
        const uses = [{ port: port.port, at: port.at, cluster: undefined as string | undefined }];
        for (const o of port.overrides) uses.push({ port: o.port, at: o.at, cluster: o.cluster });
        for (const use of uses) {
          if (inSpans(use.port, range.spans)) continue;
          const other = ranges.rangesOf(use.port)[0];
          const label = port.name ? `${service.name}/${port.name}` : service.name;
          report({
            messageId: other ? 'insideOther' : 'outside',
            data: {
              service: label,
              port: use.port,
              range: range.name,
              span: formatSpans(range.spans),
              ...(other ? { other: other.name, otherSpan: formatSpans(other.spans) } : {}),
            },
            ...(use.cluster !== undefined ? { cluster: use.cluster } : {}),
            range: range.name,
            service: service.name,
            port: use.port,
            protocol: port.protocol,
            locations: [use.at, service.rangeAt ?? service.at, range.at],
          });
        }
      }
    }
  },
});

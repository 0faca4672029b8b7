import { defineRule } from './rule.ts';

export default defineRule({
  meta: {
    description: 'A service without a range uses a port that lies in no reserved range (an ad-hoc port).',
    remediation: 'Give the service a `range` and a port inside it, or add a range for its purpose.',
    defaultSeverity: 'warning',
    messages: {
      adHoc: '{{service}} uses port {{port}}, which lies in no range',
    },
  },
  check({ registry, ranges, report }) {
    const known = new Set(registry.ranges.map((range) => range.name));
    for (const service of registry.services) {
      // A service with a known range is out-of-range's concern.
      if (service.range !== undefined && known.has(service.range)) continue;
      for (const port of service.ports) {
        const uses = [{ port: port.port, at: port.at, cluster: undefined as string | undefined }];
        for (const o of port.overrides) uses.push({ port: o.port, at: o.at, cluster: o.cluster });
        for (const use of uses) {
          if (ranges.rangesOf(use.port).length > 0) continue;
          report({
            messageId: 'adHoc',
            data: { service: port.name ? `${service.name}/${port.name}` : service.name, port: use.port },
            ...(use.cluster !== undefined ? { cluster: use.cluster } : {}),
            service: service.name,
            port: use.port,
            protocol: port.protocol,
            locations: [use.at],
          });
        }
      }
    }
  },
});

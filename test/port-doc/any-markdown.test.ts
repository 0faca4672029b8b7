import { test } from 'node:test';
import fc from 'fast-check';
import { importPortDocument } from '../../src/sources/port-doc/index.ts';
import { registryOf } from './shape.ts';

// Pieces of port documents, shuffled into lines: headings, tables, fences, ports, clusters, spoiled text.
const token = fc.constantFrom('#', '## ', '### ', '| ', ' | ', '|---|---|', '```', '```yaml', '- ', '1. ', ': ', '30100', '80', '443', '99999', '-', '30100-30199', '(', ')', 'Forge', 'cluster', 'Clusters', 'Studio', 'Pro/Studio', 'rules', 'Reserved', 'Cross-Cluster', 'to', 'http://a.b.svc.forge.remote:8000/v1', 'Service', 'Port', 'Range', 'Purpose', 'Legacy', 'replaced by', 'agent-x', 'agent-y', '# ', '`', '**', 'â†’', '�', 'UDP', '/', ',', ' ', 'a', 'Zz', '\t', 'Ã©', 'no range', '(undefined range)', 'LB', 'yes', '{service}', '| Service | Port |', '|---|---|', '| `x` | 1 (y: 2) |', '| | a: 3 |', '| `` | 4 |', '| Range | Ports |', '| Cluster | Title |', '| `forge` | Forge |', '| Ports | Clusters | Reason |', '| 9 | all | r |', 'from studio to forge', 'A'.repeat(70), 'Address pattern: `http://{service}:{port}`');
const line = fc.array(token, { maxLength: 10 }).map((t) => t.join(''));
test('any Markdown imports without a crash into a registry the loader accepts', () => {
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
      const imported = importPortDocument('f.md', lines.join('\n'));
      // The loader validates every name, span and port the import wrote.
      registryOf(imported.registry);
    }),
    { numRuns: 300 },
  );
});

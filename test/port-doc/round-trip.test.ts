import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_DOCS_TITLE, PROSE_PLACES, type ProsePlace } from '../../src/core/docs.ts';
import type { RegistryDocument, ServiceDocument } from '../../src/registry/schema.ts';
import { details, registryOf, shape, throughDocument } from './shape.ts';

const CLUSTERS = ['forge', 'studio', 'pro', 'edge', 'lab', 'gpu-a', 'east', 'west'];
const RANGES = ['platform', 'ai-ml', 'data', 'web', 'queues', 'infra', 'edge-lb', 'misc'];
const capital = (name: string) => name[0]!.toUpperCase() + name.slice(1);

const port = fc.integer({ min: 1, max: 65535 });
const span = fc.tuple(fc.integer({ min: 1, max: 65000 }), fc.integer({ min: 0, max: 300 })).map(([from, size]) => (size === 0 ? from : `${from}-${from + size}`));
const spans = fc.array(span, { minLength: 1, maxLength: 3 }).map((list) => (list.length === 1 ? list[0]! : list));
const words = fc.stringMatching(/^[A-Z][a-z]{1,8}( [a-z0-9|/]{1,8}){0,4}[a-z.]$/);
const title = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,8}( [A-Za-z0-9]{1,8}){1,2}$/);
const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}$/);

type Ports = RangeDocument['ports'];
type RangeDocument = NonNullable<RegistryDocument['ranges']>[string];

/** Generated registries whose names all refer to something the registry defines. */
const registries: fc.Arbitrary<RegistryDocument> = fc
  .record({
    clusters: fc.uniqueArray(fc.constantFrom(...CLUSTERS), { minLength: 1, maxLength: 4 }),
    ranges: fc.uniqueArray(fc.constantFrom(...RANGES), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ clusters, ranges }) => {
    const clusterList = fc.subarray(clusters, { minLength: 1 });
    const overrides = fc.dictionary(fc.constantFrom(...clusters), port, { maxKeys: 2 });
    const portEntry = fc.record(
      { port, protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const), overrides, notes: words },
      { requiredKeys: ['port'] },
    );
    const ports = fc.oneof(
      fc.record({ port: fc.oneof(port, portEntry) }),
      fc.record({ ports: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), fc.oneof(port, portEntry), { minKeys: 1, maxKeys: 3 }) }),
    );
    const service: fc.Arbitrary<ServiceDocument> = fc
      .tuple(
        fc.record(
          {
            title,
            range: fc.constantFrom(...ranges),
            namespace: slug,
            exposure: fc.constantFrom('ClusterIP' as const, 'NodePort' as const, 'LoadBalancer' as const),
            clusters: fc.oneof(fc.constant('all' as const), clusterList),
            status: fc.constantFrom('active' as const, 'legacy' as const, 'reserved' as const),
            notes: words,
          },
          { requiredKeys: [] },
        ),
        ports,
      )
      .map(([fields, held]) => ({ ...fields, ...held }));
    const cluster = (name: string) =>
      fc.record({ title: fc.constantFrom('', capital(name), `${capital(name)} Zone`), production: fc.boolean(), url: fc.boolean() }).map(({ title, production, url }) => ({
        ...(title ? { title } : {}),
        ...(production ? { production: true } : {}),
        ...(url ? { crossClusterUrl: `http://{service}.{namespace}.svc.${name}.remote:{port}` } : {}),
      }));
    const range = fc.record({ ports: spans as fc.Arbitrary<Ports>, description: words }, { requiredKeys: ['ports'] });
    const reservation = fc.record({ ports: spans as fc.Arbitrary<Ports>, reason: words, clusters: clusterList }, { requiredKeys: ['ports', 'reason'] });
    const paragraph = fc.array(words, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n'));
    const block = fc.tuple(fc.option(title, { nil: undefined }), fc.array(paragraph, { minLength: 1, maxLength: 2 })).map(([heading, paragraphs]) =>
      [...(heading ? [`## ${heading}`] : []), ...paragraphs].join('\n\n'),
    );
    const prose = fc
      .subarray([...PROSE_PLACES])
      .chain((places) => fc.tuple(...places.map((after) => block.map((text) => ({ after, text })))))
      .map((blocks) => blocks as { after: ProsePlace; text: string }[]);
    return fc.record({
      version: fc.constant(1 as const),
      docs: fc.record({ file: fc.constant('PORTS.md'), title, prose }),
      notes: fc.array(words, { maxLength: 3 }),
      clusters: fc.tuple(...clusters.map(cluster)).map((list) => Object.fromEntries(list.map((c, i) => [clusters[i]!, c]))),
      ranges: fc.tuple(...ranges.map(() => range)).map((list) => Object.fromEntries(list.map((r, i) => [ranges[i]!, r]))),
      services: fc.dictionary(slug, service, { maxKeys: 8 }),
      reserved: fc.array(reservation, { maxLength: 2 }),
    });
  });

test('importing what docs wrote gives the same registry, title and prose, for generated registries', () => {
  fc.assert(
    fc.property(registries, (document) => {
      const registry = registryOf(document);
      const back = throughDocument(registry);
      assert.deepEqual(back.imported.unplaced, [], back.markdown);
      assert.deepEqual(shape(back.registry), shape(registry));
      assert.deepEqual(details(back.registry), details(registry));
      // The title and the team's prose come back as they were, each after the part it followed.
      const docs = document.docs as { title: string; prose: { after: ProsePlace; text: string }[] };
      assert.deepEqual(back.imported.settings, { ...(docs.title !== DEFAULT_DOCS_TITLE ? { title: docs.title } : {}), prose: docs.prose });
    }),
    { numRuns: 100 },
  );
});

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PROSE_PLACES } from '../core/docs.ts';

// The registry file's one definition: the TypeScript types below and `portolan schema`
// both come from it.

/** The names of services, clusters, ranges and ports: lowercase letters, digits and inner dashes. */
export const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const NAME = NAME_PATTERN;
const SPAN = '^\\s*\\d+\\s*(-\\s*\\d+\\s*)?$';

const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'A port number, 1-65535.' });
const Span = Type.String({ pattern: SPAN, description: 'A span of ports such as `30100-30199`, or one port.' });
const PortsOrSpans = Type.Union([Port, Span, Type.Array(Type.Union([Port, Span]), { minItems: 1 })], {
  description: 'A span (`30100-30199`), one port, or a list of ports and spans (`[80, 443]`).',
});
/** A mapping keyed by names, such as `services: { vllm: ... }`; other keys are refused. */
const NamedMap = <T extends TSchema>(value: T, description?: string) =>
  Type.Record(Type.String({ pattern: NAME }), value, { additionalProperties: false, ...(description ? { description } : {}) });
const Name = (description: string) => Type.String({ pattern: NAME, maxLength: 63, description });
const Protocol = Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP')], {
  description: 'TCP (the default), UDP or SCTP.',
});
const Severity = Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info'), Type.Literal('off')]);

export const RangeSchema = Type.Object(
  {
    ports: PortsOrSpans,
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'Ports reserved for one purpose.' },
);

export const ClusterSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ description: 'The name people use, such as `Forge`.' })),
    production: Type.Optional(Type.Boolean({ description: 'Production clusters should expose services through LoadBalancers.' })),
    nodePortRange: Type.Optional(
      Type.String({ pattern: SPAN, description: "The API server's --service-node-port-range; 30000-32767 by default." }),
    ),
    notes: Type.Optional(Type.String()),
    crossClusterUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'How other clusters reach a service here, for the port document: `{service}`, `{namespace}` and `{port}` are filled in, as in `http://{service}.{namespace}.svc.studio.remote:{port}`.',
      }),
    ),
    host: Type.Optional(
      Type.String({ minLength: 1, description: 'The machine the cluster runs on; kind clusters with the same host share its host ports.' }),
    ),
    kindConfig: Type.Optional(
      Type.String({ minLength: 1, description: "The kind Cluster config that creates the cluster, relative to this file's folder." }),
    ),
    paths: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: "Where the GitOps repository keeps the cluster's manifests: folders or globs (`clusters/forge`, `apps/*/forge`), relative to the repository.",
      }),
    ),
    hostPortOffset: Type.Optional(
      Type.Integer({ minimum: -65535, maximum: 65535, description: 'The planned offset of kind host ports: hostPort = containerPort + offset.' }),
    ),
    server: Type.Optional(
      Type.String({ minLength: 1, description: "The cluster's API server URL, as Argo CD destinations (`spec.destination.server`) name it." }),
    ),
    context: Type.Optional(
      Type.String({ minLength: 1, description: 'The kubeconfig context that reaches the cluster, for `check --live` (the cluster\'s own name when absent).' }),
    ),
  },
  { additionalProperties: false },
);

export const PortSchema = Type.Object(
  {
    port: Port,
    servicePort: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: "The Service's own port (`spec.ports[].port`), what in-cluster and mesh clients use, where it differs from the node port." }),
    ),
    protocol: Type.Optional(Protocol),
    overrides: Type.Optional(
      NamedMap(Port, 'Clusters where this port has another number: `{ forge: 30191 }`.'),
    ),
    notes: Type.Optional(Type.String({ description: 'What the port is for, such as `Health checks`.' })),
  },
  { additionalProperties: false },
);

const PortEntry = Type.Union([Port, PortSchema]);

const Reason = Type.String({ minLength: 1, description: 'Why the finding is accepted; required, so the next reader knows.' });
const ClusterList = Type.Array(Type.String(), { minItems: 1, description: 'The clusters it holds in; every cluster when absent.' });

export const ServiceIgnoreSchema = Type.Object(
  {
    rule: Type.String({ minLength: 1, description: 'The id of the rule whose findings about this service are accepted.' }),
    reason: Reason,
    clusters: Type.Optional(ClusterList),
  },
  { additionalProperties: false, description: "Accepts a rule's findings about this service, on purpose." },
);

export const IgnoreSchema = Type.Object(
  {
    rule: Type.Optional(Type.String({ minLength: 1, description: 'The id of the rule whose findings are accepted; any rule when absent.' })),
    clusters: Type.Optional(ClusterList),
    ports: Type.Optional(PortsOrSpans),
    files: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: "Globs of the files a finding is in, relative to this file's folder: `apps/legacy/**`." }),
    ),
    reason: Reason,
  },
  { additionalProperties: false, description: 'Accepts the findings that match every key given (rule, clusters, ports, files), on purpose.' },
);

export const ServiceSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ description: 'The name people use, such as `Flyte Console`.' })),
    kubernetesName: Type.Optional(Name('The Service object name, when it differs from the entry name.')),
    range: Type.Optional(Type.String({ description: 'The name of the range this service belongs to.' })),
    namespace: Type.Optional(Name('The Kubernetes namespace.')),
    exposure: Type.Optional(
      Type.Union([Type.Literal('ClusterIP'), Type.Literal('NodePort'), Type.Literal('LoadBalancer')], {
        description: 'NodePort by default. For NodePort and LoadBalancer the ports are node ports.',
      }),
    ),
    clusters: Type.Optional(
      Type.Union([Type.Literal('all', { title: 'all' }), Type.Array(Type.String(), { minItems: 1, title: 'a list of cluster names' })], {
        description: 'The clusters the service runs in: a list, or `all` (the default).',
      }),
    ),
    port: Type.Optional(PortEntry),
    ports: Type.Optional(
      NamedMap(PortEntry, 'Named ports: `{ api: 30210, health: 30211 }`.'),
    ),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('legacy'), Type.Literal('reserved')], {
        description: 'active (the default), legacy (being replaced) or reserved (planned).',
      }),
    ),
    replacedBy: Type.Optional(Type.String({ description: 'For a legacy service, the service that replaces it.' })),
    owner: Type.Optional(Type.String()),
    notes: Type.Optional(Type.String()),
    ignore: Type.Optional(Type.Array(ServiceIgnoreSchema, { description: "Findings about this service accepted on purpose: `[{ rule: prefer-loadbalancer, reason: '...' }]`." })),
  },
  { additionalProperties: false },
);

export const ReservationSchema = Type.Object(
  {
    ports: PortsOrSpans,
    reason: Type.String({ minLength: 1 }),
    clusters: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Every cluster when absent.' })),
  },
  { additionalProperties: false },
);

/** The registry's `docs:` settings, when they say more than the document's path. */
export const DocsSchema = Type.Object(
  {
    file: Type.Optional(Type.String({ minLength: 1, description: 'The Markdown port document, relative to this file.' })),
    title: Type.Optional(Type.String({ minLength: 1, description: 'The document title; `Port plan` by default.' })),
    prose: Type.Optional(
      Type.Array(
        Type.Object(
          {
            after: Type.Union(PROSE_PLACES.map((place) => Type.Literal(place)), { description: 'What the block follows: the title, or a generated section.' }),
            text: Type.String({ minLength: 1, description: 'Markdown, written as it is.' }),
          },
          { additionalProperties: false },
        ),
        { description: "The team's own sections of a new document (its introduction, troubleshooting, links)." },
      ),
    ),
    free: Type.Optional(
      Type.Array(
        Type.Object({ ports: PortsOrSpans, note: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        { description: 'Ports the imported document said were free; `check --repo` reports them where they are deployed.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'The port document: its file, title and prose.' },
);

const MeshExportMode = Type.Union([Type.Literal('gateway'), Type.Literal('remote-discovery')], {
  description: '`gateway` (the label `mirror.linkerd.io/exported: "true"`, the default) or `remote-discovery` (`mirror.linkerd.io/exported: remote-discovery`).',
});

/** The service mesh: which clusters link to which, what each exports, and the team's addresses. */
export const MeshSchema = Type.Object(
  {
    address: Type.Optional(
      Type.String({
        minLength: 1,
        pattern: '\\{service\\}',
        description: "The team's host name for another cluster's service: `{service}`, `{namespace}` and `{cluster}` are filled in, as in `{service}.{namespace}.svc.{cluster}.remote`. Linkerd's own mirror name `{service}-{cluster}` is always understood.",
      }),
    ),
    gateway: Type.Optional(Type.String({ minLength: 1, description: 'The service of this registry that is the multicluster gateway (Linkerd: `linkerd-gateway`, ports 4143 and probe 4191), so its node ports are planned like any.' })),
    links: Type.Optional(
      NamedMap(Type.Array(Type.String(), { minItems: 1 }), 'Source cluster: the target clusters it is linked to (a Linkerd `Link` in the source), whose exported Services it mirrors.'),
    ),
    exports: Type.Optional(
      NamedMap(
        Type.Union([
          Type.Array(Type.String(), { minItems: 1, title: 'the clusters that export it' }),
          Type.Object({ clusters: Type.Array(Type.String(), { minItems: 1 }), mode: Type.Optional(MeshExportMode) }, { additionalProperties: false }),
        ]),
        'Service: the clusters whose Service of it is exported to the clusters linked to them.',
      ),
    ),
    addresses: Type.Optional(
      Type.Array(
        Type.Object(
          {
            url: Type.String({ minLength: 1, description: 'An address as clients write it: `http://vllm.ml-inference.svc.forge.remote:8000/v1`.' }),
            from: Type.Optional(Type.Union([Type.Literal('all'), Type.Array(Type.String(), { minItems: 1 })], { description: 'The clusters it is used from; every other cluster when absent.' })),
          },
          { additionalProperties: false },
        ),
        { description: "Addresses the team's documents and clients use, checked as those in manifests are." },
      ),
    ),
  },
  { additionalProperties: false, description: 'Cross-cluster access through the service mesh (Linkerd multicluster).' },
);

/** How a repository scan reads the repository. */
export const ScanSchema = Type.Object(
  {
    exclude: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Folders and files a repository scan leaves out (globs such as `**/tests`, `archive`); replaces the default list of test, example and archive folders.',
      }),
    ),
  },
  { additionalProperties: false, description: 'How `check --repo`, `scan` and `init` read the repository.' },
);

export const RegistrySchema = Type.Object(
  {
    version: Type.Literal(1, { description: 'The registry format version.' }),
    docs: Type.Optional(
      Type.Union([Type.String({ description: 'The Markdown port document generated from this registry.' }), DocsSchema], {
        description: 'The Markdown port document generated from this registry: its path, or `{ file, title, prose, free }`.',
      }),
    ),
    notes: Type.Optional(Type.Array(Type.String(), { description: 'The allocation rules, as the team states them.' })),
    ranges: Type.Optional(NamedMap(RangeSchema)),
    clusters: Type.Optional(NamedMap(ClusterSchema)),
    services: Type.Optional(NamedMap(ServiceSchema)),
    reserved: Type.Optional(Type.Array(ReservationSchema)),
    rules: Type.Optional(
      Type.Record(Type.String(), Severity, { description: 'Per-rule severity: error, warning, info or off.' }),
    ),
    scan: Type.Optional(ScanSchema),
    mesh: Type.Optional(MeshSchema),
    ignore: Type.Optional(Type.Array(IgnoreSchema, { description: 'Findings accepted on purpose, by rule, cluster, port or file glob, each with its reason.' })),
  },
  {
    additionalProperties: false,
    $id: 'https://portolan.dev/schema/portolan.schema.json',
    title: 'Portolan port registry',
  },
);

/**
 * Where editors find the schema from a registry in a project that has Portolan installed
 * (`npm install --save-dev portolan`): every registry Portolan writes names it. A registry inside
 * a clone of Portolan names the file by its relative path instead (the examples do).
 */
export const SCHEMA_PATH = 'node_modules/portolan/schema/portolan.schema.json';

/** The registry file as written, before names are resolved. */
export type RegistryDocument = Static<typeof RegistrySchema>;
export type ServiceDocument = Static<typeof ServiceSchema>;
export type PortDocument = Static<typeof PortSchema>;
/** The `docs:` settings as written. */
export type DocsDocument = Static<typeof DocsSchema>;
export type IgnoreDocument = Static<typeof IgnoreSchema>;

/** The JSON Schema of the registry file, as `portolan schema` prints it. */
export function registryJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...stripSymbols(RegistrySchema) };
}

function stripSymbols(schema: TSchema): Record<string, unknown> {
  // TypeBox marks its schemas with symbol keys; JSON.stringify drops them already.
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

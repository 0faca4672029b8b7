import { Type, type TSchema } from '@sinclair/typebox';

// One definition of every request and response the API takes and gives: fastify validates
// requests with them, and /openapi.json is generated from them.

const Name = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', description: 'a registry name: lower-case letters, digits and dashes' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Location = Type.Object({ file: Type.String(), line: Type.Integer(), column: Type.Integer() });
const Protocol = Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP')]);
const Reason = Type.String({ maxLength: 1000, description: 'why, for the commit message' });
const DryRun = Type.Boolean({ description: 'say what would change, and write nothing' });
const Preview = Type.Boolean({ description: "with dryRun: each file's unified diff in `diffs`" });

/** `POST /v1/allocations`: the allocate command's options. */
export const AllocateBody = Type.Object(
  {
    service: Name,
    range: Type.Optional(Name),
    clusters: Type.Optional(Type.Array(Name, { maxItems: 64 })),
    port: Type.Optional(Port),
    protocol: Type.Optional(Protocol),
    names: Type.Optional(Type.Array(Name, { maxItems: 64 })),
    exposure: Type.Optional(Type.Union([Type.Literal('NodePort'), Type.Literal('LoadBalancer'), Type.Literal('ClusterIP')])),
    staticBand: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Reason),
    dryRun: Type.Optional(DryRun),
    preview: Type.Optional(Preview),
  },
  { additionalProperties: false },
);

/** `POST /v1/services/{name}/move`: `to` a port, or the next free one without it. */
export const MoveBody = Type.Object(
  {
    to: Type.Optional(Port),
    range: Type.Optional(Name),
    portName: Type.Optional(Name),
    staticBand: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Reason),
    dryRun: Type.Optional(DryRun),
    preview: Type.Optional(Preview),
  },
  { additionalProperties: false },
);

/** `DELETE /v1/services/{name}`: release, everywhere or in some clusters (as query parameters). */
export const ReleaseQuery = Type.Object(
  { cluster: Type.Optional(Type.Union([Name, Type.Array(Name, { maxItems: 64 })])), reason: Type.Optional(Reason), dryRun: Type.Optional(Type.Boolean()), preview: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** `POST /v1/reservations`: a port or span such as 30290-30299, and why. */
export const ReserveBody = Type.Object(
  {
    ports: Type.String({ pattern: '^[0-9]{1,5}(-[0-9]{1,5})?$', description: 'a port, or from-to' }),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    clusters: Type.Optional(Type.Array(Name, { maxItems: 64 })),
    dryRun: Type.Optional(DryRun),
    preview: Type.Optional(Preview),
  },
  { additionalProperties: false },
);

/** A service name in the path. */
export const ServiceParams = Type.Object({ name: Name });
/** A range name in the path. */
export const RangeParams = Type.Object({ range: Name });
/** A port number in the path. */
export const PortParams = Type.Object({ port: Port });

const ClusterList = Type.Optional(Type.Union([Name, Type.Array(Name, { maxItems: 64 })]));
/** `GET /v1/findings` filters. */
export const FindingsQuery = Type.Object(
  { cluster: ClusterList, rule: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 64 })])), severity: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')])),
    source: Type.Optional(Type.Union([Type.Literal('registry'), Type.Literal('live')], { description: 'live: the last scheduled live check (serve --live-interval)' })),
  },
  { additionalProperties: false },
);
/** `GET /v1/ports` filters. */
export const PortsQuery = Type.Object({ cluster: ClusterList, range: ClusterList, service: ClusterList }, { additionalProperties: false });
/** `GET /v1/free/{range}` filters. */
export const FreeQuery = Type.Object({ cluster: ClusterList }, { additionalProperties: false });

/** Every error: RFC 9457 problem+json, with the CLI's words in `detail`. */
export const ProblemSchema = Type.Object({ type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String(), errors: Type.Optional(Type.Array(Type.String())) });

const PlannedPort = Type.Object({ name: Nullable(Type.String()), port: Port, protocol: Protocol });
const ChangeFields = {
  dryRun: Type.Boolean(),
  files: Type.Array(Type.String()),
  manifestChanges: Type.Array(Type.String()),
  commit: Nullable(Type.String()),
  notes: Type.Array(Type.String()),
  diffs: Type.Optional(Type.Array(Type.Object({ file: Type.String(), diff: Type.String() }))),
};

/** The answer to an allocation: the same shape as `portolan allocate --format json`. */
export const AllocationResponse = Type.Object({ action: Type.Literal('allocate'), service: Type.String(), range: Nullable(Type.String()), clusters: Type.Array(Type.String()), ports: Type.Array(PlannedPort), ...ChangeFields });
/** The answer to a move: the same shape as `portolan move --format json`. */
export const MoveResponse = Type.Object({
  action: Type.Literal('move'),
  service: Type.String(),
  range: Nullable(Type.String()),
  clusters: Type.Array(Type.String()),
  ports: Type.Array(Type.Object({ name: Nullable(Type.String()), from: Port, port: Port, protocol: Protocol, overrides: Type.Optional(Type.Array(Type.Object({ cluster: Type.String(), from: Port }))) })),
  conflicts: Type.Array(Type.Object({ service: Type.String(), portName: Nullable(Type.String()), cluster: Type.String(), port: Port })),
  ...ChangeFields,
});
/** The answer to a release: the same shape as `portolan release --format json`. */
export const ReleaseResponse = Type.Object({ action: Type.Literal('release'), service: Type.String(), ports: Type.Array(PlannedPort), removed: Type.Array(Type.String()), remaining: Type.Array(Type.String()), deleted: Type.Boolean(), ...ChangeFields });
/** The answer to a reservation: the same shape as `portolan reserve --format json`. */
export const ReserveResponse = Type.Object({ action: Type.Literal('reserve'), ports: Type.String(), reason: Type.String(), clusters: Type.Array(Type.String()), alreadyReserved: Type.Boolean(), ...ChangeFields });

/** `portolan ports --format json`. */
export const PortsResponse = Type.Object({
  allocations: Type.Array(Type.Object({ cluster: Type.String(), port: Port, protocol: Protocol, kind: Type.String(), service: Type.String(), portName: Nullable(Type.String()), range: Nullable(Type.String()), status: Type.String(), location: Location })),
});
/** `portolan free --format json`. */
export const FreeResponse = Type.Object({ range: Type.String(), clusters: Type.Array(Type.String()), free: Type.Array(Type.String()), count: Type.Integer(), size: Type.Integer() });
/** How other clusters reach a port's holders (or a service) through the mesh. */
const MeshRoutes = Type.Array(
  Type.Object({
    service: Type.String(),
    from: Type.String({ description: 'The cluster a client is in.' }),
    to: Type.String({ description: 'The cluster that exports the service.' }),
    mode: Type.Union([Type.Literal('gateway'), Type.Literal('remote-discovery')]),
    namespace: Type.Optional(Type.String()),
    mirror: Type.String({ description: "Linkerd's mirror Service in the client's cluster." }),
    mirrorHost: Type.Optional(Type.String()),
    host: Type.Optional(Type.String({ description: "The team's host name by its address pattern." })),
    ports: Type.Array(Type.Object({ name: Type.Optional(Type.String()), port: Type.Optional(Port), nodePort: Type.Optional(Port), address: Type.Optional(Type.String()) })),
  }),
  { description: 'How other clusters reach the holders through the service mesh: the Service port, never the node port.' },
);
/** `portolan who --format json`. */
export const WhoResponse = Type.Object({
  port: Port,
  ranges: Type.Array(Type.String()),
  reserved: Type.Array(Type.String()),
  clusters: Type.Record(Type.String(), Type.Array(Type.Object({ service: Type.String(), portName: Nullable(Type.String()), protocol: Protocol, location: Location }))),
  mesh: MeshRoutes,
});
/** How full each range is. */
export const RangesResponse = Type.Object({
  ranges: Type.Array(
    Type.Object({
      name: Type.String(),
      ports: Type.String(),
      size: Type.Integer(),
      used: Type.Integer(),
      free: Type.Integer(),
      next: Nullable(Port),
      clusters: Type.Array(Type.Object({ cluster: Type.String(), used: Type.Integer(), free: Type.Integer(), next: Nullable(Port) })),
    }),
  ),
});
const FindingJson = Type.Object({
  ruleId: Type.String(),
  messageId: Type.String(),
  severity: Type.String(),
  message: Type.String(),
  cluster: Nullable(Type.String()),
  range: Nullable(Type.String()),
  service: Nullable(Type.String()),
  port: Nullable(Type.Integer()),
  protocol: Nullable(Type.String()),
  locations: Type.Array(Location),
});
/** `portolan check --format json`. */
export const FindingsResponse = Type.Object({
  findings: Type.Array(FindingJson),
  suppressed: Type.Array(Type.Intersect([FindingJson, Type.Object({ suppression: Type.Unknown() })])),
  summary: Type.Object({ errors: Type.Integer(), warnings: Type.Integer(), infos: Type.Optional(Type.Integer()) }, { additionalProperties: true }),
});
/** The registry as the server holds it: its clusters, ranges, services and reservations. */
export const RegistryResponse = Type.Object({
  file: Type.String(),
  etag: Type.String(),
  clusters: Type.Array(Type.Object({ name: Type.String(), nodePortRange: Type.String(), production: Type.Boolean() }, { additionalProperties: true })),
  ranges: Type.Array(Type.Object({ name: Type.String(), ports: Type.String(), description: Nullable(Type.String()) })),
  services: Type.Array(Type.Object({ name: Type.String(), range: Nullable(Type.String()), clusters: Type.Array(Type.String()), ports: Type.Array(PlannedPort) })),
  reserved: Type.Array(Type.Object({ ports: Type.String(), reason: Type.String(), clusters: Type.Array(Type.String()) })),
});
/** `/healthz` and `/readyz`. */
export const HealthResponse = Type.Object({ status: Type.String(), detail: Type.Optional(Type.String()) });

// The dashboard's reads: the map folded and opened, a service, a search, a finding's lines, a rule's page.
const StateCounts = Type.Object({ c: Type.Integer(), m: Type.Integer(), f: Type.Integer(), h: Type.Integer(), r: Type.Integer(), d: Type.Integer() });
/** `GET /v1/map`: every range folded, with each cluster's use and worst state (letters: c m f h r d .). */
export const MapResponse = Type.Object({
  clusters: Type.Array(Type.String()),
  allocations: Type.Integer(),
  ranges: Type.Array(Type.Object({ name: Type.String(), ports: Type.String(), description: Nullable(Type.String()), size: Type.Integer(), used: Type.Array(Type.Integer()), worst: Type.String(), counts: StateCounts })),
});
/** `GET /v1/map/{range}?from=`: one page of an opened range. */
export const RangeCellsQuery = Type.Object({ from: Type.Optional(Port) }, { additionalProperties: false });
/** An opened range: one row of state letters per cluster, and the holders of its cells. */
export const RangeCellsResponse = Type.Object({
  range: Type.String(),
  ports: Type.String(),
  columns: Type.Array(Port),
  clusters: Type.Array(Type.String()),
  rows: Type.Array(Type.String()),
  holders: Type.Array(Type.Object({ cluster: Type.Integer(), port: Port, service: Type.String(), portName: Nullable(Type.String()), range: Nullable(Type.String()), at: Type.String() })),
  services: Type.Record(Type.String(), Type.String()),
  next: Nullable(Port),
});
/** `GET /v1/services/{name}`: a service's ports in every cluster, exposure, status, owner, notes and mesh routes. */
export const ServiceResponse = Type.Object({
  name: Type.String(),
  title: Nullable(Type.String()),
  range: Nullable(Type.String()),
  namespace: Nullable(Type.String()),
  exposure: Type.String(),
  status: Type.String(),
  replacedBy: Nullable(Type.String()),
  owner: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  clusters: Type.Array(Type.String()),
  at: Type.String(),
  ports: Type.Array(Type.Object({ name: Nullable(Type.String()), protocol: Type.String(), servicePort: Nullable(Port), clusters: Type.Array(Type.Object({ cluster: Type.String(), port: Port })), at: Type.String() })),
  mesh: MeshRoutes,
});
/** `GET /v1/search?q=`: what the words name. */
export const SearchQuery = Type.Object({ q: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
/** A port, a range and the services the words name. */
export const SearchResponse = Type.Object({ query: Type.String(), port: Nullable(Port), range: Nullable(Type.String()), services: Type.Array(Type.String()) });
/** `GET /v1/lines?file=&line=`: the lines around a finding's location. */
export const LinesQuery = Type.Object({ file: Type.String({ minLength: 1, maxLength: 1000 }), line: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
/** A few numbered lines of a registry or repository file. */
export const LinesResponse = Type.Object({ file: Type.String(), line: Type.Integer(), lines: Type.Array(Type.Object({ line: Type.Integer(), text: Type.String() })) });
/** A rule id in the path. */
export const RuleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9-]+$' }) });
/** `GET /v1/rules/{id}`: what the rule finds, how to fix it, and its reference page. */
export const RuleResponse = Type.Object({ id: Type.String(), description: Type.String(), remediation: Type.String(), defaultSeverity: Type.String(), messages: Type.Record(Type.String(), Type.String()), docs: Type.String(), page: Nullable(Type.String()) });
/** Each event of `GET /v1/events`: the registry on disk parses (its ETag), or is broken (its first error and line). */
export const RegistryStateEvent = Type.Object({
  state: Type.Union([Type.Literal('ok'), Type.Literal('broken')]),
  etag: Nullable(Type.String()),
  error: Nullable(Type.Object({ message: Type.String(), file: Nullable(Type.String()), line: Nullable(Type.Integer()), column: Nullable(Type.Integer()), hint: Nullable(Type.String()) })),
});

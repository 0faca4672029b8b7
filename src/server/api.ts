import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { UsageError } from '../core/errors.ts';
import { parseSpan, PORT_MAX, PORT_MIN } from '../core/span.ts';
import type { Finding, Registry, Severity } from '../core/types.ts';
import { runCheck } from '../engine/check-run.ts';
import { findingFilter } from '../engine/check.ts';
import { runDocs } from '../engine/docs.ts';
import { findFree, listAllocations, rangeUsage, whoHolds } from '../engine/queries.ts';
import { changeAndPush, pushTarget } from '../engine/push.ts';
import { RegistryCache } from '../engine/registry-cache.ts';
import { allocationChange, moveChange, releaseChange, reservationChange, type ChangeRun, type RegistryChange } from '../engine/registry-changes.ts';
import { RegistryWriter } from '../engine/registry-writer.ts';
import { allocationJson, changeOutcomeJson, moveJson, releaseJson, reservationJson, type ChangeJson } from '../reporters/changes.ts';
import { json as findingsJson } from '../reporters/json.ts';
import { allocationsJson, freeJson, holdersJson, rangesJson, registryJson } from '../reporters/tables.ts';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Gate, RateLimit, type AccessPolicy } from './auth.ts';
import { dashboardRoutes, registerDashboardAssets, registryEvents } from './dashboard.ts';
import { createMcpServer } from './mcp.ts';
import { serverMetrics } from './metrics.ts';
import { openApiDocument, type RouteSpec } from './openapi.ts';
import { problem, problemOf, type Problem } from './problem.ts';
import * as S from './schemas.ts';
import { startLiveSchedule, type LiveSchedule, type LiveScheduleOptions } from './live-schedule.ts';

/** How the API serves one registry. */
export interface ApiOptions extends AccessPolicy {
  /** The registry file. */
  file: string;
  cwd: string;
  /** A GitOps repository: /v1/findings then runs the drift rules too. */
  repo?: string;
  /** Commit each change with git. */
  commit?: boolean;
  /** Push each commit to the clone's remote branch, deciding the change again when the push is rejected. */
  push?: boolean;
  /** The largest request body, in bytes (64 KiB by default). */
  bodyLimit?: number;
  /** Requests a second per token (or per address without one), with as many at once. */
  ratePerSecond?: number;
  /** How long a write waits for the registry's lock, in milliseconds. */
  lockTimeoutMs?: number;
  /** Read the live clusters on a schedule: `/v1/findings?source=live` and the drift metrics. */
  live?: LiveScheduleOptions;
}

/** The `who` answers kept serialised per registry version, for the ports asked last. */
const WHO_BODIES = 10_000;

/** The answers to a retried write (Idempotency-Key), kept for the last this many keys. */
const IDEMPOTENCY_KEYS = 10_000;

/** The HTTP API over the engine: every read from the registry held in memory, every write through the engine's change. */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A path fastify's router refuses (bad encoding, an over-long name) is a problem like any other.
    frameworkErrors: (error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      void sendProblem(reply, problem(status >= 400 && status < 500 ? status : 400, `${request.method} ${safeUrl(request.url)}: ${error.message.replace(/'[^']*'/, 'the path')}`));
    },
  });
  const cache = new RegistryCache(options.file, options.cwd);
  // Writes are decided against the registry held in memory and written in batches (group commit).
  const writer = new RegistryWriter(cache, { cwd: options.cwd, lockTimeoutMs: options.lockTimeoutMs ?? 30_000 });
  const live = options.live ? startLiveSchedule(cache, options.cwd, { ...options.live, ...(options.repo !== undefined ? { repo: options.repo } : {}) }) : undefined;
  const metrics = serverMetrics(cache, live);
  if (live) app.addHook('onClose', async () => live.stop());
  const target = options.push ? pushTarget(options.file) : undefined;
  const gate = new Gate(options);
  const limit = new RateLimit(options.ratePerSecond ?? 200, options.ratePerSecond ?? 200);
  const answered = new Map<string, { fingerprint: string; reply: Promise<{ status: number; body: string }> }>();
  let writes: Promise<unknown> = Promise.resolve();
  const serially = <T>(write: () => Promise<T>): Promise<T> => {
    const next = writes.then(write, write);
    writes = next.catch(() => undefined);
    return next;
  };

  const held = () => cache.current();
  const whoBodies = new WeakMap<Registry, Map<number, string>>();
  const run = (request: FastifyRequest, dryRun: boolean | undefined, reason: string | undefined, preview?: boolean): ChangeRun => {
    const ifMatch = request.headers['if-match'];
    return {
      dryRun: dryRun === true,
      preview: preview === true,
      commit: options.commit === true || options.push === true,
      cwd: options.cwd,
      ...(reason !== undefined ? { reason } : {}),
      ...(typeof ifMatch === 'string' ? { ifMatch } : {}),
      lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    };
  };
  /** Carries out a change through the held registry's writer; with --push, one at a time, each pushed. */
  const submit = <T>(planned: RegistryChange<T>) => (target ? serially(() => (planned.options.dryRun ? writer.submit(planned) : changeAndPush(target, () => writer.submit(planned)))) : writer.submit(planned));
  /** Runs a change, once per Idempotency-Key, and answers it as the CLI's --format json would. */
  const change = async <T>(request: FastifyRequest, reply: FastifyReply, dryRun: boolean | undefined, planned: RegistryChange<T>, own: (result: T) => ChangeJson, created: number) => {
    const key = request.headers['idempotency-key'];
    const attempt = async () => {
      const outcome = await submit(planned);
      const action = own(outcome.result).action as 'allocate' | 'move' | 'release' | 'reserve';
      if (!dryRun && outcome.files.length > 0) metrics.changed(action);
      return { status: dryRun ? 200 : created, body: `${JSON.stringify(changeOutcomeJson(own(outcome.result), outcome, dryRun === true))}\n` };
    };
    if (typeof key !== 'string') return send(reply, await attempt());
    if (key.length === 0 || key.length > 200) throw new UsageError('Idempotency-Key must be 1 to 200 characters');
    const caller = `${(request as AuthedRequest).tokenName ?? request.ip}\u0000${key}`;
    const fingerprint = `${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`;
    const earlier = answered.get(caller);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) return sendProblem(reply, problem(422, `Idempotency-Key ${key} was used for another request; use a new key for a new request`));
      return send(reply, await earlier.reply);
    }
    const pending = attempt();
    answered.set(caller, { fingerprint, reply: pending });
    if (answered.size > IDEMPOTENCY_KEYS) answered.delete(answered.keys().next().value!);
    try {
      return send(reply, await pending);
    } catch (error) {
      // A refused write is not an answer to keep: the same request may succeed later.
      answered.delete(caller);
      throw error;
    }
  };

  const routes: RouteSpec[] = [
    {
      method: 'GET', url: '/v1/registry', summary: 'The registry: clusters, ranges, services, reservations; its ETag for If-Match', responses: { 200: S.RegistryResponse },
      handler: (_request, reply) => {
        const { registry, etag } = held();
        return reply.header('etag', etag).type('application/json').send(registryJson(registry, etag));
      },
    },
    {
      method: 'GET', url: '/v1/findings', summary: 'What check finds (with the server\'s --repo, the drift rules too)', querystring: S.FindingsQuery, responses: { 200: S.FindingsResponse },
      handler: async (request, reply) => {
        const query = request.query as { cluster?: string | string[]; rule?: string | string[]; severity?: Severity; source?: 'registry' | 'live' };
        if (query.source === 'live') return liveFindings(reply, live, { clusters: list(query.cluster), rules: list(query.rule), ...(query.severity ? { severity: query.severity } : {}) });
        const { registry } = held();
        const { result } = await runCheck({ file: options.file, cwd: options.cwd, registry, ...(options.repo !== undefined ? { repo: options.repo } : {}), filters: { clusters: list(query.cluster), only: list(query.rule) } });
        const findings = query.severity ? result.findings.filter((f) => f.severity === query.severity) : result.findings;
        return reply.type('application/json').send(findingsJson({ ...result, findings }, { color: false }));
      },
    },
    {
      method: 'GET', url: '/v1/ports', summary: 'The allocations, one per service port per cluster', querystring: S.PortsQuery, responses: { 200: S.PortsResponse },
      handler: (request, reply) => {
        const query = request.query as { cluster?: string | string[]; range?: string | string[]; service?: string | string[] };
        return reply.type('application/json').send(allocationsJson(listAllocations(held().registry, { clusters: list(query.cluster), ranges: list(query.range), services: list(query.service) })));
      },
    },
    {
      method: 'GET', url: '/v1/ranges', summary: 'Each range with its size, the ports used and the next free one, overall and per cluster', responses: { 200: S.RangesResponse },
      handler: (_request, reply) => reply.type('application/json').send(rangesJson(rangeUsage(held().registry))),
    },
    {
      method: 'GET', url: '/v1/free/:range', summary: 'The free ports of a range in every named cluster', params: S.RangeParams, querystring: S.FreeQuery, responses: { 200: S.FreeResponse },
      handler: (request, reply) => {
        const { range } = request.params as { range: string };
        return reply.type('application/json').send(freeJson(findFree(held().registry, range, list((request.query as { cluster?: string | string[] }).cluster))));
      },
    },
    {
      method: 'GET', url: '/v1/who/:port', summary: 'Who holds a port in each cluster', params: S.PortParams, responses: { 200: S.WhoResponse },
      // With the registry's mesh, the answer also says how other clusters reach each holder.
      handler: (request, reply) => {
        const { registry } = held();
        const port = (request.params as { port: number }).port;
        // Each answer is serialised once per registry version, and sent as it is after that.
        let bodies = whoBodies.get(registry);
        if (!bodies) whoBodies.set(registry, (bodies = new Map()));
        let body = bodies.get(port);
        if (body === undefined) {
          body = holdersJson(whoHolds(registry, port));
          if (bodies.size >= WHO_BODIES) bodies.delete(bodies.keys().next().value!);
          bodies.set(port, body);
        }
        return reply.type('application/json').send(body);
      },
    },
    {
      method: 'GET', url: '/v1/document', summary: 'The generated Markdown port document', responses: {},
      handler: (_request, reply) => {
        const outcome = runDocs({ registry: held().registry, registryFile: options.file, mode: 'print' });
        return reply.type('text/markdown; charset=utf-8').send(outcome.mode === 'print' ? outcome.text : '');
      },
    },
    {
      method: 'POST', url: '/v1/allocations', summary: 'Allocate: the next free port (or block) of a range for a new service', write: true, body: S.AllocateBody, responses: { 201: S.AllocationResponse, 200: S.AllocationResponse },
      handler: (request, reply) => {
        const { dryRun, reason, preview, ...wanted } = request.body as typeof S.AllocateBody.static;
        return change(request, reply, dryRun, allocationChange(wanted, run(request, dryRun, reason, preview)), allocationJson, 201);
      },
    },
    {
      method: 'POST', url: '/v1/services/:name/move', summary: "Move a service's port: to a given one, or the next free one", write: true, params: S.ServiceParams, body: S.MoveBody, responses: { 200: S.MoveResponse },
      handler: (request, reply) => {
        const { dryRun, reason, preview, ...wanted } = (request.body ?? {}) as typeof S.MoveBody.static;
        const service = (request.params as { name: string }).name;
        return change(request, reply, dryRun, moveChange({ service, ...wanted }, run(request, dryRun, reason, preview)), moveJson, 200);
      },
    },
    {
      method: 'DELETE', url: '/v1/services/:name', summary: "Release a service's ports, everywhere or in some clusters", write: true, params: S.ServiceParams, querystring: S.ReleaseQuery, responses: { 200: S.ReleaseResponse },
      handler: (request, reply) => {
        const query = request.query as { cluster?: string | string[]; reason?: string; dryRun?: boolean; preview?: boolean };
        const service = (request.params as { name: string }).name;
        return change(request, reply, query.dryRun, releaseChange({ service, clusters: list(query.cluster) }, run(request, query.dryRun, query.reason, query.preview)), releaseJson, 200);
      },
    },
    {
      method: 'POST', url: '/v1/reservations', summary: 'Reserve ports so that nobody is given them', write: true, body: S.ReserveBody, responses: { 201: S.ReserveResponse, 200: S.ReserveResponse },
      handler: (request, reply) => {
        const body = request.body as typeof S.ReserveBody.static;
        const span = spanOf(body.ports);
        return change(request, reply, body.dryRun, reservationChange({ span, reason: body.reason, clusters: body.clusters ?? [] }, run(request, body.dryRun, body.reason, body.preview)), reservationJson, 201);
      },
    },
  ];

  // The dashboard's reads and change events, then its page and script.
  routes.push(...dashboardRoutes({ held, cache, file: options.file, cwd: options.cwd, ...(options.repo !== undefined ? { repo: options.repo } : {}) }, registryEvents(app, cache)));
  registerDashboardAssets(app);

  app.setErrorHandler((error, _request, reply) => {
    const known = problemOf(error);
    if (known) return sendProblem(reply, known);
    const status = (error as { statusCode?: number }).statusCode;
    const code = (error as { code?: string }).code;
    if ((error as { validation?: unknown }).validation) return sendProblem(reply, problem(400, (error as Error).message));
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, problem(413, `the request body is larger than ${options.bodyLimit ?? 64 * 1024} bytes`));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, problem(415, 'send the request body as application/json'));
    if (status !== undefined && status >= 400 && status < 500) return sendProblem(reply, problem(status, (error as Error).message));
    app.log.error(error);
    return sendProblem(reply, problem(500, 'the server failed to answer; the registry was not changed by this request unless a later read shows it'));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, `no route ${request.method} ${safeUrl(request.url)}; see /openapi.json`)));

  const writeRoutes = new Set(routes.filter((r) => r.write).map((r) => `${r.method} ${r.url}`));
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === undefined || !(url.startsWith('/v1/') || url === '/openapi.json' || url === '/mcp' || url === '/metrics')) return;
    const access = gate.check(request.headers.authorization, writeRoutes.has(`${request.method} ${url}`));
    if ('refused' in access) {
      if (access.challenge) reply.header('www-authenticate', 'Bearer realm="portolan"');
      return sendProblem(reply, access.refused);
    }
    const caller = access.token?.name ?? request.ip;
    (request as AuthedRequest).tokenName = access.token?.name;
    const wait = limit.take(caller);
    if (wait !== undefined) return sendProblem(reply.header('retry-after', String(wait)), problem(429, `too many requests from ${access.token ? `token ${access.token.name}` : request.ip}; retry after ${wait} s`));
  });

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      schema: { ...(route.params ? { params: route.params } : {}), ...(route.querystring ? { querystring: route.querystring } : {}), ...(route.body ? { body: route.body } : {}) },
      handler: route.handler,
    });
  }
  // MCP over Streamable HTTP: reads as the API's, and a confirmed change only with a write token.
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    handler: async (request, reply) => {
      const access = gate.check(request.headers.authorization, true);
      const mcp = createMcpServer({
        file: options.file,
        cwd: options.cwd,
        ...(options.repo !== undefined ? { repo: options.repo } : {}),
        registry: held,
        commit: options.commit === true,
        submit,
        ...('refused' in access ? { writeRefusal: access.refused.detail } : {}),
      });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.hijack();
      reply.raw.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  });
  const document = openApiDocument(routes);
  app.get('/openapi.json', (_request, reply) => reply.type('application/json').send(document));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.routeOptions.url ?? 'unknown', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/healthz', (_request, reply) => reply.type('application/json').send({ status: 'ok' }));
  app.get('/readyz', (_request, reply) => {
    try {
      held();
      const failure = cache.lastFailure();
      return reply.type('application/json').send(failure ? { status: 'ready', detail: `serving the last good registry: ${(failure as Error).message}` } : { status: 'ready' });
    } catch (error) {
      return reply.code(503).type('application/json').send({ status: 'not ready', detail: problemOf(error)?.detail ?? 'the registry cannot be read' });
    }
  });
  return app;
}

interface AuthedRequest extends FastifyRequest {
  tokenName?: string;
}


function send(reply: FastifyReply, answer: { status: number; body: string }) {
  return reply.code(answer.status).type('application/json').send(answer.body);
}

/** `GET /v1/findings?source=live`: the findings of the last scheduled live check, filtered as the registry's are. */
function liveFindings(reply: FastifyReply, live: LiveSchedule | undefined, filters: { clusters: string[]; rules: string[]; severity?: Severity }) {
  if (!live) return sendProblem(reply, problem(404, 'this server reads no live clusters; start it with `portolan serve --live-interval 60s`'));
  const last = live.last();
  if (last.state === 'pending') return sendProblem(reply.header('retry-after', '5'), problem(503, 'the first live check has not finished yet'));
  if (last.state === 'failed') return sendProblem(reply, problem(503, `the last live check (${last.at.toISOString()}) could not run: ${last.message}`));
  const aboutClusters = findingFilter({ clusters: filters.clusters });
  const wanted = (finding: Finding) =>
    aboutClusters(finding) && (filters.rules.length === 0 || filters.rules.includes(finding.ruleId)) && (filters.severity === undefined || finding.severity === filters.severity);
  const findings = last.result.findings.filter(wanted);
  return reply.header('last-modified', last.at.toUTCString()).type('application/json').send(findingsJson({ ...last.result, findings }, { color: false }));
}

function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.code(body.status).type('application/problem+json').send(JSON.stringify(body));
}

/** A query parameter given once, several times, or comma-separated, as a list. */
function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function spanOf(text: string) {
  const span = parseSpan(text);
  if (!span || span.from < PORT_MIN || span.to > PORT_MAX || span.from > span.to) throw new UsageError(`"${text}" is not a port or span; write 30290 or 30290-30299, within ${PORT_MIN}-${PORT_MAX}`);
  return span;
}

function safeUrl(url: string): string {
  return (url.length > 200 ? `${url.slice(0, 200)}...` : url).replace(/[^\x21-\x7e]/g, '?');
}


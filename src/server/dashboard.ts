import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HeldRegistry, RegistryCache } from '../engine/registry-cache.ts';
import { packageFile } from '../engine/package-files.ts';
import { mapSummary, rangeCells, searchRegistry, serviceDetail } from '../engine/port-map.ts';
import { ruleDocument } from '../engine/queries.ts';
import { RegistryWatch, type RegistryState } from '../engine/registry-watch.ts';
import { sourceLines, sourceRoots } from '../engine/source-lines.ts';
import { serviceJson } from '../reporters/dashboard.ts';
import type { RouteSpec } from './openapi.ts';
import { problem } from './problem.ts';
import * as S from './schemas.ts';

/** What the dashboard's routes read: the held registry, its cache (for the change events), and where lines may come from. */
export interface DashboardSource {
  held: () => HeldRegistry;
  cache: RegistryCache;
  file: string;
  repo?: string;
  cwd: string;
}

/**
 * The page's policy: its own script, style and API only; no inline script or style, no frames,
 * no form posts elsewhere, nothing from another origin.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The API routes the dashboard reads besides the CLI's: the map, a service, search, a finding's lines, a rule's page, and change events. */
export function dashboardRoutes(source: DashboardSource, events: (reply: FastifyReply) => void): RouteSpec[] {
  const json = (reply: FastifyReply, body: unknown) => reply.type('application/json').send(JSON.stringify(body));
  return [
    {
      method: 'GET', url: '/v1/map', summary: "The port map folded: each range's use and worst state per cluster", responses: { 200: S.MapResponse },
      handler: (_request, reply) => json(reply, mapSummary(source.held().registry)),
    },
    {
      method: 'GET', url: '/v1/map/:range', summary: 'One range of the port map opened: a state a port per cluster, and the holders', params: S.RangeParams, querystring: S.RangeCellsQuery, responses: { 200: S.RangeCellsResponse },
      handler: (request, reply) => json(reply, rangeCells(source.held().registry, (request.params as { range: string }).range, (request.query as { from?: number }).from)),
    },
    {
      method: 'GET', url: '/v1/services/:name', summary: 'A service: its ports in every cluster, exposure, status, owner, notes, and how other clusters reach it', params: S.ServiceParams, responses: { 200: S.ServiceResponse },
      handler: (request, reply) => reply.type('application/json').send(serviceJson(serviceDetail(source.held().registry, (request.params as { name: string }).name))),
    },
    {
      method: 'GET', url: '/v1/search', summary: 'What a search names: a port, a range ("next free in ai-agents"), services by name', querystring: S.SearchQuery, responses: { 200: S.SearchResponse },
      handler: (request, reply) => json(reply, searchRegistry(source.held().registry, (request.query as { q: string }).q)),
    },
    {
      method: 'GET', url: '/v1/lines', summary: "The lines around a finding's location, from the registry's folder or the repository", querystring: S.LinesQuery, responses: { 200: S.LinesResponse },
      handler: (request, reply) => {
        const query = request.query as { file: string; line: number };
        return json(reply, sourceLines({ file: query.file, line: query.line, cwd: source.cwd, roots: sourceRoots(source.file, source.repo) }));
      },
    },
    {
      method: 'GET', url: '/v1/rules/:id', summary: 'A rule: what it finds, how to fix it, and its reference page', params: S.RuleParams, responses: { 200: S.RuleResponse },
      handler: (request, reply) => json(reply, ruleDocument((request.params as { id: string }).id)),
    },
    {
      method: 'GET', url: '/v1/events', summary: 'Server-sent events: a `registry` event now and whenever the file changes or breaks', responses: {}, produces: { 'text/event-stream': S.RegistryStateEvent },
      handler: (_request, reply) => events(reply),
    },
  ];
}

/** Streams the registry's state as server-sent events, one `registry` event a change; ends them all when the server closes. */
export function registryEvents(app: FastifyInstance, cache: RegistryCache): (reply: FastifyReply) => void {
  const watch = new RegistryWatch(cache);
  const open = new Set<FastifyReply>();
  app.addHook('preClose', async () => {
    for (const reply of open) reply.raw.end();
    watch.stop();
  });
  return (reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    const send = (state: RegistryState) => reply.raw.write(`event: registry\ndata: ${JSON.stringify(state)}\n\n`);
    const stop = watch.subscribe(send);
    // A comment now and then keeps proxies from closing a quiet stream.
    const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), 25_000);
    open.add(reply);
    reply.raw.on('close', () => {
      clearInterval(keepAlive);
      stop();
      open.delete(reply);
    });
  };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.svg': 'image/svg+xml' };

/** Serves the dashboard's built files (dist/ui/ in the package) at `/` and `/ui/`, each with the strict policy. */
export function registerDashboardAssets(app: FastifyInstance): void {
  const folder = packageFile('dist', 'ui');
  const assets = new Map<string, { type: string; body: Buffer }>();
  if (existsSync(folder)) {
    for (const name of readdirSync(folder)) {
      const type = TYPES[name.slice(name.lastIndexOf('.'))];
      if (type) assets.set(name, { type, body: readFileSync(`${folder}/${name}`) });
    }
  }
  const secure = (reply: FastifyReply) =>
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cache-control', 'no-cache');
  const page = assets.get('index.html');
  app.get('/', (_request, reply) => {
    if (!page) return reply.code(404).type('application/problem+json').send(JSON.stringify(problem(404, 'the dashboard is not built into this package; run `npm run build`')));
    return secure(reply).type(page.type).send(page.body);
  });
  app.get('/ui/:name', (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (!asset || (request.params as { name: string }).name === 'index.html') return reply.callNotFound();
    return secure(reply).type(asset.type).send(asset.body);
  });
}

import type { TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { version } from '../version.ts';
import { ProblemSchema } from './schemas.ts';

/** One route of the API: its method, path, schemas and handler. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  summary: string;
  /** Needs a write token. */
  write?: boolean;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  responses: Record<number, TSchema>;
  /** A 200 that is not JSON: its media type and the schema of what it carries (text/markdown by default). */
  produces?: Record<string, TSchema>;
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 412, 413, 422, 429];

/** The OpenAPI 3.1 document of the routes, from the same schemas that validate their requests. */
export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([a-z]+)/g, '{$1}');
    const parameters = [
      ...Object.entries((route.params as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: plain(schema) })),
      ...Object.entries((route.querystring as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema: plain(schema) })),
      ...(route.write ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }, { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }] : []),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) responses[status] = { description: route.summary, content: { 'application/json': { schema: plain(schema) } } };
    if (Object.keys(route.responses).length === 0) {
      const content = route.produces ? Object.fromEntries(Object.entries(route.produces).map(([media, schema]) => [media, { schema: plain(schema) }])) : { 'text/markdown': { schema: { type: 'string' } } };
      responses['200'] = { description: route.summary, content };
    }
    for (const status of PROBLEM_STATUSES) responses[String(status)] = { $ref: '#/components/responses/Problem' };
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: plain(route.body) } } } } : {}),
      responses,
      ...(route.write ? { security: [{ bearer: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Portolan', version, description: 'The port registry of several Kubernetes clusters: read it, and take ports from it without ever giving one twice.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `portolan token add NAME --scope read|write`' } },
      responses: { Problem: { description: 'the request was refused', content: { 'application/problem+json': { schema: plain(ProblemSchema) } } } },
    },
  };
}

/** A TypeBox schema as plain JSON Schema, without TypeBox's symbol keys. */
function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}

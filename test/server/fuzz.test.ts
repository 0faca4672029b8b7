import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { served } from './served.ts';

// Random and malformed bodies, paths, queries and headers at every route: every answer is a
// status below 500, and every refusal a problem+json.
test('no request, however malformed, gets a 500 or a stack trace', { timeout: 300_000 }, async () => {
  const server = await served({ ratePerSecond: 1_000_000 });
  try {
    const segment = fc.oneof(fc.constantFrom('grafana', 'agent-bruno', 'agents', '30200', '0', '-1', '99999', '..', '%00', '%2e%2e', 'a'.repeat(300), '💥', ''), fc.string({ maxLength: 20 }).map(encodeURIComponent));
    const route = fc.oneof(
      fc.constantFrom('/v1/registry', '/v1/findings', '/v1/ports', '/v1/ranges', '/v1/document', '/v1/allocations', '/v1/reservations', '/openapi.json', '/healthz', '/readyz', '/v1/map', '/v1/search', '/v1/lines', '/', '/ui/app.js'),
      segment.map((s) => `/v1/map/${s}`),
      segment.map((s) => `/v1/rules/${s}`),
      segment.map((s) => `/ui/${s}`),
      segment.map((s) => `/v1/free/${s}`),
      segment.map((s) => `/v1/who/${s}`),
      segment.map((s) => `/v1/services/${s}`),
      segment.map((s) => `/v1/services/${s}/move`),
      fc.webPath(),
    );
    const query = fc.oneof(fc.constant(''), fc.dictionary(fc.constantFrom('cluster', 'range', 'rule', 'severity', 'service', 'dryRun', 'preview', 'reason', 'q', 'file', 'line', 'from', 'x'), fc.string({ maxLength: 12 })).map((q) => `?${new URLSearchParams(q)}`));
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json().map((text) => text),
      fc.string({ maxLength: 200 }),
      fc.record({ service: fc.string({ maxLength: 70 }), range: fc.option(fc.string()), port: fc.option(fc.oneof(fc.integer(), fc.double(), fc.string())), clusters: fc.option(fc.array(fc.string(), { maxLength: 4 })), names: fc.option(fc.anything()), to: fc.option(fc.integer()), ports: fc.option(fc.string()), reason: fc.option(fc.string()), dryRun: fc.boolean() }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
    );
    const headers = fc.record({ 'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'), 'idempotency-key': fc.string({ maxLength: 250 }), 'if-match': fc.string({ maxLength: 30 }), authorization: fc.constantFrom(`Bearer ${server.write}`, `Bearer ${server.read}`, 'Bearer nope', 'Basic abc', 'Bearer') }, { requiredKeys: ['authorization'] });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'), route, query, body, headers, async (method, path, search, payload, extra) => {
        const safeHeaders = Object.fromEntries(Object.entries(extra).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)));
        // A body is only sent with a method that takes one.
        const withBody = method !== 'GET' && payload !== undefined;
        const response = await fetch(`${server.base}${path}${search}`, { method, headers: withBody ? { 'content-type': 'application/json', ...safeHeaders } : safeHeaders, ...(withBody ? { body: payload } : {}) });
        const text = await response.text();
        assert.ok(response.status < 500, `${method} ${path}${search} ${payload ?? ''} -> ${response.status} ${text}`);
        assert.doesNotMatch(text, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
        if (response.status >= 400) {
          assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `${method} ${path}: ${text}`);
          assert.equal(JSON.parse(text).status, response.status);
        }
      }),
      { numRuns: 400, seed: 1313 },
    );
  } finally {
    await server.app.close();
  }
});

import { join } from 'node:path';
import { addToken } from '../../src/engine/tokens.ts';
import { buildApi, type ApiOptions } from '../../src/server/api.ts';
import { tempFolder } from '../helpers.ts';

// A registry laid out as a homelab's: ranges with comments, a reservation, two clusters, a
// service with named ports, and the document it names.
export const REGISTRY = `version: 1
docs: PORTS.md
ranges:
  platform:
    ports: 30080-30099   # consoles and dashboards
    description: Platform consoles
  agents:
    ports: 30200-30299
clusters:
  studio:
    title: Studio (kind)
  pro:
    production: true
services:
  grafana:
    range: platform
    clusters: [studio, pro]
    port: 30080
  agent-bruno:
    range: agents
    clusters: [studio]
    ports:
      api: 30200
      health: 30201
reserved:
  - ports: 30290-30299
    reason: future agents
`;

/** A served registry in a fresh folder, with a write and a read token. */
export async function served(options: Partial<ApiOptions> = {}, files: Record<string, string> = { 'portolan.yaml': REGISTRY }) {
  const dir = tempFolder(files);
  const tokensFile = join(dir, 'portolan-tokens.json');
  const write = addToken(tokensFile, { name: 'ci', scope: 'write' }).token;
  const read = addToken(tokensFile, { name: 'grafana', scope: 'read' }).token;
  const app = await buildApi({ file: join(dir, 'portolan.yaml'), cwd: dir, tokensFile, openReads: true, ...options });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  return { dir, app, base, call, write, read, auth: (token: string) => ({ authorization: `Bearer ${token}` }) };
}


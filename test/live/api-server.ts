// A local HTTPS server that answers the list endpoints @kubernetes/client-node calls, in the
// shapes a real API server gives (ServiceList, PodList, DeploymentList..., `continue` pages,
// Status objects for errors), behind a self-signed CA made with openssl.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The list endpoints, by path, with the List kind and apiVersion they answer with. */
export const ENDPOINTS: Record<string, { kind: string; apiVersion: string; resource: string; group: string }> = {
  '/api/v1/services': { kind: 'ServiceList', apiVersion: 'v1', resource: 'services', group: '' },
  '/api/v1/pods': { kind: 'PodList', apiVersion: 'v1', resource: 'pods', group: '' },
  '/apis/apps/v1/deployments': { kind: 'DeploymentList', apiVersion: 'apps/v1', resource: 'deployments', group: 'apps' },
  '/apis/apps/v1/statefulsets': { kind: 'StatefulSetList', apiVersion: 'apps/v1', resource: 'statefulsets', group: 'apps' },
  '/apis/apps/v1/daemonsets': { kind: 'DaemonSetList', apiVersion: 'apps/v1', resource: 'daemonsets', group: 'apps' },
  '/apis/apps/v1/replicasets': { kind: 'ReplicaSetList', apiVersion: 'apps/v1', resource: 'replicasets', group: 'apps' },
  '/apis/batch/v1/jobs': { kind: 'JobList', apiVersion: 'batch/v1', resource: 'jobs', group: 'batch' },
  '/apis/batch/v1/cronjobs': { kind: 'CronJobList', apiVersion: 'batch/v1', resource: 'cronjobs', group: 'batch' },
};

/** How a fake cluster answers. */
export interface FakeCluster {
  /** Objects by endpoint path, as items of the list (no kind or apiVersion, as the API server sends them). */
  objects: Partial<Record<string, object[]>>;
  /** How a reader proves who it is: a bearer token, or a client certificate with this common name. */
  auth: { token: string } | { certificateName: string };
  /** Answer this endpoint with this status (a Status object), or never (`slow`). */
  fail?: { path: string; code: 403 | 404 | 500 | 'slow' };
}

/** Certificates made for one test run. */
export interface Certificates {
  dir: string;
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate for `portolan-reader`, made by openssl. */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), 'portolan-pki-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=portolan-test-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [['server', '/CN=kube-apiserver'], ['client', '/O=portolan:readers/CN=portolan-reader']] as const) {
    openssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  }
  const file = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { dir, ca: file('ca.crt'), serverKey: file('server.key'), serverCert: file('server.crt'), clientKey: file('client.key'), clientCert: file('client.crt') };
}

/** A running fake API server, what it was asked, and its URL. */
export interface FakeApiServer {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** The most requests that were open at once. */
  mostAtOnce: number;
  close(): Promise<void>;
}

/** Starts a fake API server on 127.0.0.1 for `cluster`. */
export async function startApiServer(certificates: Certificates, cluster: FakeCluster): Promise<FakeApiServer> {
  const state: FakeApiServer = { url: '', requests: [], mostAtOnce: 0, close: async () => {} };
  let open = 0;
  const held: ServerResponse[] = [];
  const server: Server = createServer({ key: certificates.serverKey, cert: certificates.serverCert, ca: certificates.ca, requestCert: true, rejectUnauthorized: false }, (request, response) => {
    open++;
    state.mostAtOnce = Math.max(state.mostAtOnce, open);
    response.on('close', () => open--);
    answer(cluster, request, response, state, held);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  state.url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = () =>
    new Promise<void>((done) => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      server.close(() => done());
    });
  return state;
}

function answer(cluster: FakeCluster, request: IncomingMessage, response: ServerResponse, state: FakeApiServer, held: ServerResponse[]): void {
  const url = new URL(request.url ?? '/', 'https://127.0.0.1');
  state.requests.push(`${url.pathname}${url.search}`);
  if (!authenticated(cluster, request)) return status(response, 401, 'Unauthorized', 'Unauthorized');
  const endpoint = ENDPOINTS[url.pathname];
  if (!endpoint) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
  if (cluster.fail?.path === url.pathname) {
    const code = cluster.fail.code;
    if (code === 'slow') return void held.push(response);
    const user = 'auth' in cluster && 'token' in cluster.auth ? 'system:serviceaccount:portolan:reader' : 'portolan-reader';
    const resource = endpoint.group ? `"${endpoint.resource}" in API group "${endpoint.group}"` : `"${endpoint.resource}" in API group ""`;
    if (code === 403) return status(response, 403, 'Forbidden', `${endpoint.resource}${endpoint.group ? `.${endpoint.group}` : ''} is forbidden: User "${user}" cannot list resource ${resource} at the cluster scope`);
    if (code === 404) return status(response, 404, 'NotFound', 'the server could not find the requested resource');
    return status(response, 500, 'InternalError', 'Internal error occurred: etcdserver: request timed out');
  }
  const items = cluster.objects[url.pathname] ?? [];
  const limit = Number(url.searchParams.get('limit') ?? items.length) || items.length;
  const token = url.searchParams.get('continue');
  const start = token ? Number(JSON.parse(Buffer.from(token, 'base64').toString('utf8')).start) : 0;
  const page = items.slice(start, start + limit);
  const rest = start + limit < items.length;
  const metadata: Record<string, unknown> = { resourceVersion: '48213' };
  if (rest) {
    metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 48213, start: start + limit })).toString('base64');
    metadata.remainingItemCount = items.length - start - limit;
  }
  send(response, 200, { kind: endpoint.kind, apiVersion: endpoint.apiVersion, metadata, items: page });
}

function authenticated(cluster: FakeCluster, request: IncomingMessage): boolean {
  if ('token' in cluster.auth) return request.headers.authorization === `Bearer ${cluster.auth.token}`;
  const socket = request.socket as TLSSocket;
  return socket.authorized && socket.getPeerCertificate().subject?.CN === cluster.auth.certificateName;
}

function status(response: ServerResponse, code: number, reason: string, message: string): void {
  send(response, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details: {}, code });
}

function send(response: ServerResponse, code: number, body: object): void {
  response.writeHead(code, { 'content-type': 'application/json', 'audit-id': 'b6b7e3f4-5c1d-4c52-9a53-2f4f9b1c0d21' });
  response.end(JSON.stringify(body));
}

/** A kubeconfig with one context per server: a bearer-token user or a client-certificate user. */
export function kubeconfigFor(certificates: Certificates, contexts: { name: string; url: string; auth: FakeCluster['auth'] }[]): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const lines = ['apiVersion: v1', 'kind: Config', 'preferences: {}', `current-context: ${contexts[0]?.name ?? ''}`, 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  cluster:', `    server: ${c.url}`, `    certificate-authority-data: ${b64(certificates.ca)}`);
  lines.push('users:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}-reader`, '  user:');
    if ('token' in c.auth) lines.push(`    token: ${c.auth.token}`);
    else lines.push(`    client-certificate-data: ${b64(certificates.clientCert)}`, `    client-key-data: ${b64(certificates.clientKey)}`);
  }
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, `    user: ${c.name}-reader`);
  return `${lines.join('\n')}\n`;
}

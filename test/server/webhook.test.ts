import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, Agent } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import jsonPatch from 'fast-json-patch';
import { load } from 'js-yaml';
import { admissionContext } from '../../src/engine/admission.ts';
import { selfSignedPair, type CertificatePair } from '../../src/engine/certificates.ts';
import { ADMISSION_CHECK_IDS, ADMISSION_CHECKS } from '../../src/policy/checks.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { ruleIds } from '../../src/rules/index.ts';
import { loadAdmission } from '../../src/server/load-admission.ts';
import { startWebhook, type RunningWebhook, type WebhookEvent } from '../../src/server/webhook.ts';
import { fixture, read, ROOT, tempFolder } from '../helpers.ts';

// The webhook over real TLS on 127.0.0.1, with bodies shaped as the API server sends them.

interface Answer {
  status: number;
  body: string;
  json: any;
  fingerprint?: string;
}

function send(server: RunningWebhook, ca: string, path: string, body?: string | object, headers: Record<string, string> = {}): Promise<Answer> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((done, fail) => {
    const request = httpsRequest(
      `${server.url}${path}`,
      {
        method: text === undefined ? 'GET' : 'POST',
        ca,
        agent: new Agent({ keepAlive: false }),
        headers: text === undefined ? headers : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        const fingerprint = (response.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const received = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(received);
          } catch {
            json = undefined;
          }
          done({ status: response.statusCode ?? 0, body: received, json, fingerprint });
        });
      },
    );
    request.on('error', fail);
    if (text !== undefined) request.write(text);
    request.end();
  });
}

let uid = 0;
function review(object: any, options: { operation?: string; oldObject?: any; dryRun?: boolean; kind?: string; group?: string; namespace?: string } = {}) {
  const subject = object ?? options.oldObject;
  const [group, version] = subject.apiVersion.includes('/') ? subject.apiVersion.split('/') : ['', subject.apiVersion];
  const resource = `${subject.kind.toLowerCase()}s`;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `0d4a1c2e-${String(++uid).padStart(4, '0')}-4f6b-9a51-3c1f2e7d8b90`,
      kind: { group: options.group ?? group, version, kind: options.kind ?? subject.kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind: subject.kind },
      requestResource: { group, version, resource },
      name: subject.metadata.name,
      namespace: options.namespace ?? subject.metadata.namespace,
      operation: options.operation ?? 'CREATE',
      userInfo: { username: 'system:serviceaccount:flux-system:kustomize-controller', groups: ['system:serviceaccounts', 'system:authenticated'] },
      object,
      oldObject: options.oldObject ?? null,
      dryRun: options.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: options.operation === 'UPDATE' ? 'UpdateOptions' : 'CreateOptions', fieldManager: 'kustomize-controller' },
    },
  };
}

function service(namespace: string, name: string, type: string, ports: object[]) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, uid: 'b8c9', labels: { 'app.kubernetes.io/name': name } }, spec: { type, selector: { 'app.kubernetes.io/name': name }, ports } };
}

/** Applies a mutating answer's JSONPatch to the object it was sent, with a JSON-patch library. */
function patched(object: any, answer: Answer): any {
  const patch = JSON.parse(Buffer.from(answer.json.response.patch, 'base64').toString('utf8'));
  return jsonPatch.applyPatch(structuredClone(object), patch, true, false).newDocument;
}

describe('admission webhook over TLS', () => {
  const dir = tempFolder();
  const registryFile = join(dir, 'portolan.yaml');
  copyFileSync(fixture('policy', 'portolan.yaml'), registryFile);
  let pair: CertificatePair;
  let forge: RunningWebhook;
  let studio: RunningWebhook;
  const events: WebhookEvent[] = [];
  const waiters: { kind: WebhookEvent['kind']; done: (event: WebhookEvent) => void }[] = [];
  const nextEvent = (kind: WebhookEvent['kind']) => new Promise<WebhookEvent>((done) => waiters.push({ kind, done }));
  const onEvent = (event: WebhookEvent) => {
    events.push(event);
    for (const waiter of waiters.splice(0)) {
      if (waiter.kind === event.kind) waiter.done(event);
      else waiters.push(waiter);
    }
  };
  // forge reads its registry in a worker thread, as `portolan webhook` does; studio in the test's own thread.
  const start = (cluster: string, mode: 'warn' | 'deny' = 'deny', watch = true) =>
    startWebhook({
      load: watch ? () => loadAdmission({ file: registryFile, cwd: dir, options: { cluster, mode } }) : () => admissionContext(loadRegistry(registryFile, { ruleIds }), { cluster, mode }),
      watch: watch ? [registryFile] : [],
      cert: join(dir, 'tls.crt'),
      key: join(dir, 'tls.key'),
      host: '127.0.0.1',
      port: 0,
      interval: 50,
      bodyLimit: 256 * 1024,
      ...(watch ? { onEvent } : {}),
    });

  before(async () => {
    pair = await selfSignedPair({ names: ['127.0.0.1', 'localhost'], days: 2 });
    writeFileSync(join(dir, 'tls.crt'), pair.cert);
    writeFileSync(join(dir, 'tls.key'), pair.key);
    forge = await start('forge');
    studio = await start('studio', 'deny', false);
  });
  after(async () => {
    await forge.close();
    await studio.close();
  });

  test('/healthz and /readyz answer over TLS with the served certificate', async () => {
    const health = await send(forge, pair.cert, '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok\n');
    assert.equal(health.fingerprint, new X509Certificate(pair.cert).fingerprint256);
    const ready = await send(forge, pair.cert, '/readyz');
    assert.equal(ready.status, 200);
    assert.match(ready.body, /cluster forge/);
  });

  test('a Service that leaves nodePort out gets the planned port by JSONPatch, and the patched Service passes validation', async () => {
    const vllm = service('ml-inference', 'vllm', 'NodePort', [{ name: 'http', port: 8000, targetPort: 8000, protocol: 'TCP' }]);
    const answer = await send(forge, pair.cert, '/mutate', review(vllm));
    assert.equal(answer.status, 200);
    assert.equal(answer.json.apiVersion, 'admission.k8s.io/v1');
    assert.equal(answer.json.kind, 'AdmissionReview');
    assert.equal(answer.json.response.uid, review(vllm).request.uid.replace(/-\d{4}-/, `-${String(uid - 1).padStart(4, '0')}-`));
    assert.equal(answer.json.response.allowed, true);
    assert.equal(answer.json.response.patchType, 'JSONPatch');
    const result = patched(vllm, answer);
    assert.equal(result.spec.ports[0].nodePort, 30100);
    assert.deepEqual({ ...result.spec.ports[0], nodePort: undefined }, { ...vllm.spec.ports[0], nodePort: undefined });
    const checked = await send(forge, pair.cert, '/validate', review(result));
    assert.equal(checked.json.response.allowed, true);
    assert.equal(checked.json.response.warnings, undefined);
  });

  test('each port of a planned Service gets its own planned port, by name, and a port already set is kept', async () => {
    const flyte = service('flyte', 'flyteconsole', 'LoadBalancer', [
      { name: 'grpc', port: 81, targetPort: 8089, nodePort: 30103 },
      { name: 'http', port: 80, targetPort: 8088 },
    ]);
    const answer = await send(forge, pair.cert, '/mutate', review(flyte));
    const result = patched(flyte, answer);
    assert.deepEqual(result.spec.ports.map((p: { nodePort: number }) => p.nodePort), [30103, 30102]);
    // Studio's override gives grpc another number, and a Service with no port names is paired in order.
    const unnamed = service('flyte', 'flyteconsole', 'LoadBalancer', [{ port: 80, targetPort: 8088 }, { port: 81, targetPort: 8089 }]);
    const inStudio = patched(unnamed, await send(studio, pair.cert, '/mutate', review(unnamed)));
    assert.deepEqual(inStudio.spec.ports.map((p: { nodePort: number }) => p.nodePort), [30102, 30104]);
  });

  test('a Service without node ports, an unplanned Service and a ConfigMap are let through unpatched', async () => {
    for (const object of [
      service('observability', 'grafana', 'ClusterIP', [{ name: 'http', port: 80 }]),
      service('default', 'debug-shell', 'NodePort', [{ port: 80 }]),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'grafana-dashboards', namespace: 'observability' }, data: { 'nodePort': '30999' } },
    ]) {
      const answer = await send(forge, pair.cert, '/mutate', review(object));
      assert.equal(answer.json.response.allowed, true);
      assert.equal(answer.json.response.patch, undefined);
    }
  });

  test('validation refuses with every message, and a dry run gets the same answer', async () => {
    const grafana = service('observability', 'grafana', 'NodePort', [{ name: 'http', port: 80, nodePort: 30401 }]);
    for (const dryRun of [false, true]) {
      const answer = await send(forge, pair.cert, '/validate', review(grafana, { dryRun }));
      assert.equal(answer.status, 200);
      assert.equal(answer.json.response.allowed, false);
      assert.equal(answer.json.response.status.code, 403);
      assert.match(answer.json.response.status.message, /^portolan\/planned-node-port: Service observability\/grafana takes node port 30401/);
      assert.match(answer.json.response.status.message, /30400/);
    }
  });

  test('UPDATE is judged by the new object, and keeps the node ports it had; DELETE is always allowed', async () => {
    const good = service('observability', 'grafana', 'NodePort', [{ name: 'http', port: 80, nodePort: 30400 }]);
    const bad = service('observability', 'grafana', 'NodePort', [{ name: 'http', port: 80, nodePort: 30150 }]);
    const moved = await send(forge, pair.cert, '/validate', review(bad, { operation: 'UPDATE', oldObject: good }));
    assert.equal(moved.json.response.allowed, false);
    const kept = await send(forge, pair.cert, '/validate', review(good, { operation: 'UPDATE', oldObject: good }));
    assert.equal(kept.json.response.allowed, true);
    // An update that leaves nodePort out keeps the port the Service had; a new port gets the plan's.
    const legacy = service('observability', 'grafana', 'NodePort', [{ name: 'http', port: 80, nodePort: 30150 }]);
    const relabelled = service('observability', 'grafana', 'NodePort', [{ name: 'http', port: 80 }]);
    const kept2 = await send(forge, pair.cert, '/mutate', review(relabelled, { operation: 'UPDATE', oldObject: legacy }));
    assert.equal(kept2.json.response.patch, undefined);
    const fresh = await send(forge, pair.cert, '/mutate', review(relabelled, { operation: 'UPDATE', oldObject: service('observability', 'grafana', 'ClusterIP', [{ name: 'http', port: 80 }]) }));
    assert.equal(patched(relabelled, fresh).spec.ports[0].nodePort, 30400);
    const deleted = await send(forge, pair.cert, '/validate', review(null, { operation: 'DELETE', oldObject: bad }));
    assert.equal(deleted.json.response.allowed, true);
    const deletedMutate = await send(forge, pair.cert, '/mutate', review(null, { operation: 'DELETE', oldObject: bad }));
    assert.equal(deletedMutate.json.response.allowed, true);
    assert.equal(deletedMutate.json.response.patch, undefined);
  });

  test('a Pod binds only planned host ports; kube-system is left alone', async () => {
    const pod = (port: number, namespace = 'default') => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'node-exporter-x7k2p', namespace, generateName: 'node-exporter-' },
      spec: { containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', ports: [{ containerPort: port, hostPort: port, protocol: 'TCP' }] }] },
    });
    const planned = await send(forge, pair.cert, '/validate', review(pod(9100)));
    assert.equal(planned.json.response.allowed, true);
    const unplanned = await send(forge, pair.cert, '/validate', review(pod(9200)));
    assert.equal(unplanned.json.response.allowed, false);
    assert.match(unplanned.json.response.status.message, /^portolan\/planned-host-port: Pod default\/node-exporter-x7k2p: container node-exporter binds host port 9200/);
    const system = await send(forge, pair.cert, '/validate', review(pod(9200, 'kube-system')));
    assert.equal(system.json.response.allowed, true);
  });

  test("the registry's own findings about a Service come back as warnings", async () => {
    // grafana is a NodePort entry in production cluster studio: prefer-loadbalancer, and the admission advice.
    const grafana = service('observability', 'grafana', 'NodePort', [{ name: 'http', port: 80, nodePort: 30400 }]);
    const answer = await send(studio, pair.cert, '/validate', review(grafana));
    assert.equal(answer.json.response.allowed, true);
    const warnings: string[] = answer.json.response.warnings;
    assert.ok(warnings.some((w) => w.startsWith('portolan/production-node-port: ')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.startsWith('portolan/prefer-loadbalancer: the registry itself: grafana is a NodePort service in production cluster studio')), warnings.join('\n'));
  });

  test('every admission fixture gets the same verdict over TLS as from the engine', async () => {
    let sent = 0;
    for (const check of ADMISSION_CHECK_IDS) {
      for (const file of readdirSync(fixture('policy', check))) {
        const text = readFileSync(fixture('policy', check, file), 'utf8');
        const server = /^# cluster: studio/.test(text) ? studio : forge;
        const answer = await send(server, pair.cert, '/validate', review(load(text)));
        const notes: string[] = ADMISSION_CHECKS[check].effect === 'refuse' ? (answer.json.response.allowed ? [] : answer.json.response.status.message.split('; portolan/')) : answer.json.response.warnings ?? [];
        const hit = notes.some((note) => note.startsWith(`portolan/${check}:`) || note.startsWith(`${check}:`));
        assert.equal(hit, file.startsWith('deny-'), `${check}/${file}: ${answer.body}`);
        sent++;
      }
    }
    assert.ok(sent >= 35, `only ${sent} fixtures`);
  });

  test('malformed, oversized, wrong-version and half-made bodies get a 400, and the server keeps serving', async () => {
    const wrongVersion = { ...review(service('default', 'web', 'NodePort', [{ port: 80 }])), apiVersion: 'admission.k8s.io/v1beta1' };
    const noUid = review(service('default', 'web', 'NodePort', [{ port: 80 }]));
    delete (noUid.request as { uid?: string }).uid;
    const bodies: [string, string | object, RegExp][] = [
      ['malformed JSON', '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {', /JSON/],
      ['oversized', JSON.stringify({ ...review(service('default', 'web', 'NodePort', [{ port: 80 }])), padding: 'x'.repeat(300 * 1024) }), /too large/],
      ['wrong version', wrongVersion, /admission\.k8s\.io\/v1beta1.*admissionReviewVersions/],
      ['no uid', noUid, /request\.uid/],
      ['an array', '[1, 2, 3]', /not a JSON object/],
      ['another kind', { apiVersion: 'admission.k8s.io/v1', kind: 'TokenReview', request: {} }, /AdmissionReview/],
      ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /request is missing/],
      ['a JSON string', '"AdmissionReview"', /not a JSON object/],
    ];
    for (const [what, body, message] of bodies) {
      for (const path of ['/validate', '/mutate']) {
        const answer = await send(forge, pair.cert, path, body);
        assert.equal(answer.status, 400, `${what} to ${path}: ${answer.body}`);
        assert.match(answer.json.message, message, what);
      }
    }
    const textBody = await send(forge, pair.cert, '/validate', 'uid=1', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(textBody.status, 400);
    const health = await send(forge, pair.cert, '/healthz');
    assert.equal(health.status, 200);
  });

  test('a registry that changes is read again; one that fails to load keeps the last good plan', async () => {
    const vllm = service('ml-inference', 'vllm', 'NodePort', [{ name: 'http', port: 8000 }]);
    const original = readFileSync(registryFile, 'utf8');
    let reloaded = nextEvent('registry-reloaded');
    writeFileSync(registryFile, original.replace('    port: 30100\n', '    port: 30105\n'));
    await reloaded;
    assert.equal(patched(vllm, await send(forge, pair.cert, '/mutate', review(vllm))).spec.ports[0].nodePort, 30105);
    const kept = nextEvent('registry-kept');
    writeFileSync(registryFile, `${original}\nservices:\n  broken: [\n`);
    const event = await kept;
    assert.match(event.reason!, /^portolan\.yaml:\d+:\d+: /);
    assert.equal(patched(vllm, await send(forge, pair.cert, '/mutate', review(vllm))).spec.ports[0].nodePort, 30105);
    reloaded = nextEvent('registry-reloaded');
    writeFileSync(registryFile, original);
    await reloaded;
    assert.equal(patched(vllm, await send(forge, pair.cert, '/mutate', review(vllm))).spec.ports[0].nodePort, 30100);
  });

  test('a rotated certificate is served from the next connection; a key that does not match keeps the old pair', async () => {
    const rotated = await selfSignedPair({ names: ['127.0.0.1'], days: 2 });
    const reloaded = nextEvent('certificate-reloaded');
    // cert-manager writes both files of the Secret at once; write the key first, as a rename would.
    writeFileSync(join(dir, 'tls.key'), rotated.key);
    writeFileSync(join(dir, 'tls.crt'), rotated.cert);
    await reloaded;
    // A reload may fire once per file; wait until both are in, then check the new pair is served.
    let answer = await send(forge, rotated.cert, '/healthz').catch(() => undefined);
    while (answer === undefined) {
      await nextEvent('certificate-reloaded');
      answer = await send(forge, rotated.cert, '/healthz').catch(() => undefined);
    }
    assert.equal(answer.fingerprint, new X509Certificate(rotated.cert).fingerprint256);
    const kept = nextEvent('certificate-kept');
    writeFileSync(join(dir, 'tls.key'), pair.key);
    const event = await kept;
    assert.match(event.reason!, /key/i);
    const still = await send(forge, rotated.cert, '/healthz');
    assert.equal(still.fingerprint, new X509Certificate(rotated.cert).fingerprint256);
    writeFileSync(join(dir, 'tls.key'), rotated.key);
  });
});

describe('admission webhook during a reload', () => {
  test('answers while a large registry is read again in its worker thread', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = tempFolder();
    const file = join(dir, 'portolan.yaml');
    execFileSync(process.execPath, [join(ROOT, 'bench', 'generate-registry.mjs'), file, '10', '20000']);
    const pair = await selfSignedPair({ names: ['127.0.0.1'], days: 1 });
    writeFileSync(join(dir, 'tls.crt'), pair.cert);
    writeFileSync(join(dir, 'tls.key'), pair.key);
    let reading = false;
    let answeredWhileReading = 0;
    let reloaded!: () => void;
    const done = new Promise<void>((resolve) => (reloaded = resolve));
    const server = await startWebhook({
      load: () => loadAdmission({ file, cwd: dir, options: { cluster: 'c-001' } }),
      watch: [file],
      cert: join(dir, 'tls.crt'),
      key: join(dir, 'tls.key'),
      host: '127.0.0.1',
      port: 0,
      interval: 50,
      onEvent: (event) => {
        if (event.kind === 'registry-reading') reading = true;
        if (event.kind === 'registry-reloaded') {
          reading = false;
          reloaded();
        }
      },
    });
    try {
      writeFileSync(file, `${read(file)}\n# changed\n`);
      let finished = false;
      void done.then(() => (finished = true));
      while (!finished) {
        const answer = await send(server, pair.cert, '/healthz');
        assert.equal(answer.status, 200);
        if (reading) answeredWhileReading++;
      }
      assert.ok(answeredWhileReading > 0, 'no request was answered while the registry was read');
    } finally {
      await server.close();
    }
  });
});

describe('portolan webhook, the command', () => {
  test('serves until SIGTERM, then exits 0; a registry it cannot load is logged on one printable line and the last good one kept', async (t) => {
    const dir = tempFolder();
    copyFileSync(fixture('policy', 'portolan.yaml'), join(dir, 'portolan.yaml'));
    const pair = await selfSignedPair({ names: ['127.0.0.1'], days: 1 });
    writeFileSync(join(dir, 'tls.crt'), pair.cert);
    writeFileSync(join(dir, 'tls.key'), pair.key);
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'webhook', join(dir, 'portolan.yaml'), '--cluster', 'forge', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--port', '0', '--mode', 'deny', '--interval', '50'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    // A failed assertion must not leave the server running, or the test file never ends.
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    const url = await new Promise<string>((done, fail) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /serving (https:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match) done(match[1]!);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${stderr}`)));
    });
    const running = { url, port: 0, close: async () => {} };
    const health = await send(running, pair.cert, '/healthz');
    assert.equal(health.status, 200);
    // Done once the whole line is in: stderr may come in pieces.
    const keptLine = () => /registry kept[^\n]*\n/.test(stderr);
    const kept = new Promise<void>((done) => child.stderr.on('data', () => keptLine() && done()));
    writeFileSync(join(dir, 'portolan.yaml'), `${read(join(dir, 'portolan.yaml'))}"owner\\e[31m": x\n`);
    await kept;
    const line = stderr.split('\n').find((l) => l.includes('registry kept'))!;
    assert.match(line, /^portolan webhook: registry kept: portolan\.yaml:\d+:\d+: .*owner\\e\[31m/);
    assert.doesNotMatch(stderr, /\u001b/);
    const vllm = service('ml-inference', 'vllm', 'NodePort', [{ name: 'http', port: 8000 }]);
    assert.equal(patched(vllm, await send(running, pair.cert, '/mutate', review(vllm))).spec.ports[0].nodePort, 30100);
    const code = await new Promise<number | null>((done) => {
      child.removeAllListeners('exit');
      child.on('exit', (exitCode) => done(exitCode));
      child.kill('SIGTERM');
    });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /\(deny mode\)/);
  });
});

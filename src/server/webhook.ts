import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { createSecureContext } from 'node:tls';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { formatInputError, inputErrorsOf } from '../core/errors.ts';
import { decideAdmission, isDecision, type AdmissionContext, type AdmissionWebhook } from '../engine/admission.ts';
import { admissionProblemJson, admissionReviewJson } from '../reporters/admission-review.ts';

/** Something the webhook did on its own: a reload, or a reload it refused. */
export interface WebhookEvent {
  kind: 'registry-reading' | 'registry-reloaded' | 'registry-kept' | 'certificate-reloaded' | 'certificate-kept';
  /** Why a reload was refused, for the `-kept` events. */
  reason?: string;
}

/** How the admission webhook is served. */
export interface WebhookOptions {
  /** Reads the registry and lays it out for admission; called at start and whenever `watch` changes. */
  load: () => AdmissionContext | Promise<AdmissionContext>;
  /** The files whose change reloads the registry. */
  watch: readonly string[];
  cert: string;
  key: string;
  host: string;
  port: number;
  /** How often the watched files and the certificate are looked at, in milliseconds. */
  interval?: number;
  /** The largest body accepted, in bytes. */
  bodyLimit?: number;
  onEvent?: (event: WebhookEvent) => void;
}

/** A running webhook. */
export interface RunningWebhook {
  /** `https://host:port`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An AdmissionReview with a large Pod in it is some hundreds of KiB; the API server sends at most a few MiB. */
const DEFAULT_BODY_LIMIT = 6 * 1024 * 1024;

/**
 * Serves the admission webhook over HTTPS: POST /validate and /mutate take AdmissionReview v1
 * bodies; GET /healthz and /readyz. The registry and the certificate are read again when their
 * files change (cert-manager rotates a Secret's files in place); a reload that fails keeps the
 * last good one.
 */
export async function startWebhook(options: WebhookOptions): Promise<RunningWebhook> {
  let context = await options.load();
  const emit = options.onEvent ?? (() => {});
  const interval = options.interval ?? 2000;
  const pair = { cert: readFileSync(options.cert), key: readFileSync(options.key) };
  createSecureContext(pair); // a broken pair fails the start, not the first request
  const app = Fastify({
    https: pair,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
    connectionTimeout: 10_000,
    requestTimeout: 10_000,
    return503OnClosing: true,
  });

  const answer = (webhook: AdmissionWebhook) => async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = decideAdmission(request.body, webhook, context);
    if (!isDecision(decision)) return reply.code(400).type('application/json').send(admissionProblemJson(decision));
    return reply.code(200).type('application/json').send(admissionReviewJson(decision));
  };
  app.post('/validate', answer('validate'));
  app.post('/mutate', answer('mutate'));
  app.get('/healthz', async (_, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/readyz', async (_, reply) => reply.type('text/plain').send(`ready: cluster ${context.plan.cluster.name}, registry ${context.file}\n`));
  // Bodies that are not JSON, too large, or of another type are the caller's mistake: 400, never a crash.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? 400 : 500;
    const message = status === 400 ? error.message : 'the webhook failed to answer; see its log';
    if (status === 500) process.stderr.write(`portolan webhook: ${error.stack ?? error.message}\n`);
    void reply.code(status).type('application/json').send(admissionProblemJson({ problem: message }));
  });

  await app.listen({ host: options.host, port: options.port });

  // One reload at a time; a change seen during one is read by one more reload after it.
  let reloading: Promise<void> | undefined;
  let again = false;
  const reloadRegistry = () => {
    if (reloading) {
      again = true;
      return;
    }
    reloading = (async () => {
      do {
        again = false;
        emit({ kind: 'registry-reading' });
        try {
          context = await options.load();
          emit({ kind: 'registry-reloaded' });
        } catch (error) {
          const problems = inputErrorsOf(error);
          emit({ kind: 'registry-kept', reason: problems.length > 0 ? problems.map(formatInputError).join('\n') : String(error) });
        }
      } while (again);
      reloading = undefined;
    })();
  };
  const reloadCertificate = () => {
    try {
      const next = { cert: readFileSync(options.cert), key: readFileSync(options.key) };
      createSecureContext(next);
      app.server.setSecureContext(next);
      emit({ kind: 'certificate-reloaded' });
    } catch (error) {
      emit({ kind: 'certificate-kept', reason: error instanceof Error ? error.message : String(error) });
    }
  };
  // watchFile polls stat(), which follows the symlinks a mounted Secret or ConfigMap swaps.
  const watched = [...options.watch.map((file) => ({ file, reload: reloadRegistry })), { file: options.cert, reload: reloadCertificate }, { file: options.key, reload: reloadCertificate }].map(({ file, reload }) => {
    const listener = (now: Stats, before: Stats) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) reload();
    };
    watchFile(file, { interval, persistent: false }, listener);
    return { file, listener };
  });

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `https://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    async close() {
      for (const { file, listener } of watched) unwatchFile(file, listener);
      await reloading;
      await app.close();
    },
  };
}

import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.ts';
import { webhookDeployment } from '../../engine/policy.ts';
import { webhookDnsNames } from '../../policy/webhook-manifests.ts';
import { objectsYaml } from '../../policy/yaml.ts';
import { displayPath } from '../../engine/registry.ts';
import type { WebhookEvent } from '../../server/webhook.ts';
import { version } from '../../version.ts';
import { collect, type CommandContext } from '../context.ts';
import { REGISTRY_PATH_DESCRIPTION } from '../options.ts';
import { untilStopped } from '../signals.ts';
import { escapeControls } from '../../core/escape.ts';
import { readTextFile, writeFileAtomic } from '../../engine/registry.ts';
import { makeFolder, modeOption, namespaceName } from './policy.ts';

interface ServeOptions {
  cluster?: string;
  cert?: string;
  key?: string;
  host: string;
  port: string;
  mode: 'warn' | 'deny';
  excludeNamespace?: string[];
  interval: string;
}

interface ManifestOptions {
  cluster: string;
  mode: 'warn' | 'deny';
  namespace: string;
  image: string;
  replicas: string;
  excludeNamespace?: string[];
  caBundle?: string;
}

interface CertOptions {
  out: string;
  namespace: string;
  name?: string[];
  days: string;
}

/** `portolan webhook`: serve the admission webhook; `webhook manifests` and `webhook certs` install it. */
export function registerWebhook(program: Command, context: CommandContext): void {
  const { io } = context;
  const webhook = program
    .command('webhook')
    .summary('serve the admission webhook that enforces the plan and fills in planned node ports')
    .description('The admission webhook: `webhook [serve]` runs it, `webhook manifests` writes what installs it in a cluster, `webhook certs` makes a certificate for a test cluster.')
    .addHelpText('after', '\nExamples:\n  $ portolan webhook --cluster studio --cert tls.crt --key tls.key --mode warn\n  $ portolan webhook manifests --cluster studio | kubectl apply -f -\n  $ portolan webhook certs --out tls/');
  webhook
    // The default: `portolan webhook PATH --cert FILE --key FILE` serves.
    .command('serve', { isDefault: true })
    .summary('serve the webhook over HTTPS')
    .description(
      'Serve an HTTPS admission webhook (AdmissionReview v1): POST /validate refuses what the plan does not allow, with the registry\'s own findings as warnings; POST /mutate gives a Service that leaves nodePort out the port the registry plans for it in this cluster, as a JSONPatch. GET /healthz and /readyz. The registry and the certificate are read again when their files change; a registry that fails to load keeps the last good one.',
    )
    .argument('[path]', REGISTRY_PATH_DESCRIPTION)
    .option('-c, --cluster <cluster>', 'the cluster this webhook runs in (needed when the registry plans several)')
    .option('--cert <file>', 'the PEM certificate the webhook serves (required)')
    .option('--key <file>', "the certificate's PEM private key (required)")
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'the port to listen on (0: any free port)', '8443')
    .addOption(modeOption())
    .option('--exclude-namespace <namespace>', 'namespaces left alone, besides kube-system, kube-public and kube-node-lease (repeat, or separate with commas)', collect)
    .option('--interval <ms>', 'how often the registry and certificate files are looked at for changes', '2000')
    .addHelpText('after', '\nExamples:\n  $ portolan webhook --cluster studio --cert tls.crt --key tls.key --mode warn\n  $ portolan webhook serve examples/homelab --cluster forge --cert tls/tls.crt --key tls/tls.key --port 9443')
    .action(async (path: string | undefined, options: ServeOptions) => {
      if (options.cert === undefined || options.key === undefined) throw new UsageError('give the certificate and its key: --cert FILE --key FILE (`portolan webhook certs` makes a pair)');
      const port = wholeNumber(options.port, '--port', 0, 65535);
      const interval = wholeNumber(options.interval, '--interval', 50, 3_600_000);
      const registryFile = context.registryFile(path);
      const admission = {
        ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
        mode: options.mode,
        ...(options.excludeNamespace ? { excludeNamespaces: options.excludeNamespace } : {}),
      };
      // The HTTPS server is loaded when it is started, not by every other command.
      const [{ loadAdmission }, { startWebhook }] = await Promise.all([import('../../server/load-admission.ts'), import('../../server/webhook.ts')]);
      const load = () => loadAdmission({ file: registryFile, cwd: io.cwd, options: admission });
      const log = (event: WebhookEvent) => event.kind !== 'registry-reading' && io.stderr(`portolan webhook: ${event.kind.replace('-', ' ')}${event.reason ? `: ${printable(event.reason)}` : ''}\n`);
      const cert = resolve(io.cwd, options.cert);
      const key = resolve(io.cwd, options.key);
      readable(cert, options.cert);
      readable(key, options.key);
      let running;
      try {
        running = await startWebhook({ load, watch: [registryFile], cert, key, host: options.host, port, interval, onEvent: log });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new InputError(`cannot listen on ${options.host}:${port}: ${code}`, undefined, 'give another --port or --host', { cause: error });
        if (error instanceof Error && /key|certificate|PEM|asn1/i.test(error.message)) throw new InputError(`${options.cert}, ${options.key}: not a certificate and its key: ${error.message}`, undefined, 'make a pair with `portolan webhook certs`', { cause: error });
        throw error;
      }
      io.stderr(`portolan webhook ${version}: serving ${running.url} (${options.mode} mode); /validate /mutate /healthz /readyz\n`);
      await untilStopped(() => running.close());
    });

  webhook
    .command('manifests')
    .summary('write the Deployment, Service and webhook configurations that install the webhook')
    .description(
      "Write everything that runs the webhook in one cluster: its namespace, the registry as a ConfigMap, a ServiceAccount, Deployment and Service, a cert-manager Issuer and Certificate (cert-manager injects the CA into the configurations), and the MutatingWebhookConfiguration and ValidatingWebhookConfiguration. With --ca-bundle, the configurations hold that CA instead and no cert-manager objects are written.",
    )
    .argument('[path]', REGISTRY_PATH_DESCRIPTION)
    .requiredOption('-c, --cluster <cluster>', 'the cluster to install into')
    .addOption(modeOption())
    .option('-n, --namespace <namespace>', 'the namespace the webhook runs in', 'portolan')
    .option('--image <image>', 'the container image that holds portolan', `portolan:${version}`)
    .option('--replicas <n>', 'how many webhook Pods run', '2')
    .option('--exclude-namespace <namespace>', 'namespaces left alone, besides the system ones and the webhook\'s own (repeat, or separate with commas)', collect)
    .option('--ca-bundle <file>', 'a PEM CA certificate for the configurations, instead of cert-manager (the cert of `webhook certs`)')
    .addHelpText('after', '\nExamples:\n  $ portolan webhook manifests --cluster studio | kubectl apply -f -\n  $ portolan webhook manifests --cluster forge --ca-bundle tls/tls.crt --mode deny')
    .action((path: string | undefined, options: ManifestOptions) => {
      namespaceName(options.namespace);
      const replicas = wholeNumber(options.replicas, '--replicas', 1, 100);
      const registry = context.registry(path);
      const registryText = readTextFile(context.registryFile(path), registry.file);
      const caBundle = options.caBundle !== undefined ? readable(resolve(io.cwd, options.caBundle), options.caBundle) : undefined;
      if (caBundle !== undefined && !caBundle.includes('-----BEGIN CERTIFICATE-----')) {
        throw new InputError(`${options.caBundle}: not a PEM certificate`, undefined, 'give the tls.crt that `portolan webhook certs` wrote');
      }
      const objects = webhookDeployment(registry, registryText, {
        cluster: options.cluster,
        mode: options.mode,
        namespace: options.namespace,
        image: options.image,
        replicas,
        ...(options.excludeNamespace ? { excludeNamespaces: options.excludeNamespace } : {}),
        ...(caBundle !== undefined ? { caBundle } : {}),
      });
      io.stdout(objectsYaml(objects, [`Generated by portolan webhook manifests from ${registry.file} for cluster ${options.cluster} (${options.mode} mode).`]));
    });

  webhook
    .command('certs')
    .summary('make a self-signed certificate and key for the webhook of a test cluster')
    .description(
      "Write tls.crt and tls.key: a self-signed certificate for the webhook's Service names (portolan-webhook.NAMESPACE.svc and .svc.cluster.local) and any --name, which is also its own CA: give it to `webhook manifests --ca-bundle`, and put the pair in the Secret portolan-webhook-tls. For production clusters, let cert-manager issue and rotate it.",
    )
    .requiredOption('-o, --out <dir>', 'the folder to write tls.crt and tls.key into')
    .option('-n, --namespace <namespace>', 'the namespace the webhook runs in', 'portolan')
    .option('--name <name>', 'another DNS name or IP address the certificate holds (repeat, or separate with commas)', collect)
    .option('--days <n>', 'how long the certificate is valid', '365')
    .addHelpText('after', '\nExamples:\n  $ portolan webhook certs --out tls/\n  $ kubectl -n portolan create secret tls portolan-webhook-tls --cert tls/tls.crt --key tls/tls.key')
    .action(async (options: CertOptions) => {
      namespaceName(options.namespace);
      const days = wholeNumber(options.days, '--days', 1, 3650);
      const { selfSignedPair } = await import('../../engine/certificates.ts');
      const pair = await selfSignedPair({ names: [...webhookDnsNames(options.namespace), ...(options.name ?? [])], days });
      const dir = resolve(io.cwd, options.out);
      makeFolder(dir, options.out);
      writeFileAtomic(join(dir, 'tls.key'), pair.key, displayPath(join(dir, 'tls.key'), io.cwd));
      chmodSync(join(dir, 'tls.key'), 0o600); // the key is its owner's only; the certificate is public
      writeFileAtomic(join(dir, 'tls.crt'), pair.cert, displayPath(join(dir, 'tls.crt'), io.cwd));
      io.stderr(`wrote ${displayPath(join(dir, 'tls.crt'), io.cwd)} and ${displayPath(join(dir, 'tls.key'), io.cwd)} (valid until ${pair.notAfter.toISOString().slice(0, 10)})\n`);
    });

  for (const command of webhook.commands) command.exitOverride().configureOutput({ writeOut: (text) => io.stdout(escapeControls(text)), writeErr: (text) => io.stderr(escapeControls(text)) });
}

/** A message for the log, one line, with control characters (from a registry's text) shown as escapes. */
function printable(text: string): string {
  return escapeControls(text.replace(/\n/g, '; '));
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${flag} is "${text}"; give a whole number from ${min} to ${max}`);
  return Number(text);
}

/** A PEM file given on the command line: a regular file of at most 1 MiB, read with the one file-error wording. */
function readable(file: string, shown: string): string {
  return readTextFile(file, shown, 1048576);
}

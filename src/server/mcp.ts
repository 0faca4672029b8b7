import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { formatInputError, inputErrorsOf, UsageError } from '../core/errors.ts';
import type { Registry } from '../core/types.ts';
import { runCheck } from '../engine/check-run.ts';
import { runDocs } from '../engine/docs.ts';
import { explainRule, findFree, listAllocations, whoHolds } from '../engine/queries.ts';
import { changeRegistry } from '../engine/change.ts';
import { allocationChange, moveChange, releaseChange, type ChangeOutcome, type RegistryChange } from '../engine/registry-changes.ts';
import { allocationJson, changeOutcomeJson, moveJson, releaseJson, type ChangeJson } from '../reporters/changes.ts';
import { json as findingsJson } from '../reporters/json.ts';
import { allocationsJson, freeJson, holdersJson, registryJson } from '../reporters/tables.ts';
import { version } from '../version.ts';

/** What the MCP server answers from, and whether a confirmed change may be written. */
export interface McpOptions {
  file: string;
  cwd: string;
  /** A GitOps repository for `check`'s drift rules. */
  repo?: string;
  /** The registry as it is now, and its ETag. */
  registry: () => { registry: Registry; etag: string };
  /** Why a confirmed change is refused (over HTTP without a write token), or undefined when it may run. */
  writeRefusal?: string;
  /** Commit each change with git. */
  commit?: boolean;
  /** Carries out a change (the server's writer over its held registry); by default, straight on the file as the CLI does. */
  submit?: <T>(change: RegistryChange<T>) => Promise<ChangeOutcome<T>>;
}

const name = z.string().min(1).max(63).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
const clusters = z.array(name).max(64).optional().describe('the clusters; every cluster when absent');
const confirm = z.boolean().optional().describe('true to write the change; without it, only say what would change (a dry run)');
const reason = z.string().max(1000).optional().describe('why, for the commit message');

/** The MCP server over the engine: tools check, who, free, ports, explain_rule, allocate, release, move; the registry, document and findings as resources. */
export function createMcpServer(options: McpOptions): McpServer {
  const server = new McpServer({ name: 'portolan', version });
  const text = (body: string) => ({ content: [{ type: 'text' as const, text: body }] });
  const guarded = async (answer: () => Promise<string> | string) => {
    try {
      return text(await answer());
    } catch (error) {
      const errors = inputErrorsOf(error);
      if (errors.length === 0 && !(error instanceof UsageError)) throw error;
      return { ...text(errors.length ? errors.map(formatInputError).join('\n') : (error as Error).message), isError: true };
    }
  };
  const submit = options.submit ?? (<T>(planned: RegistryChange<T>) => changeRegistry(options.file, planned.decide, planned.options));
  const change = <T>(wants: boolean | undefined, plan: (dryRun: boolean) => RegistryChange<T>, own: (result: T) => ChangeJson) =>
    guarded(async () => {
      const dryRun = wants !== true;
      if (!dryRun && options.writeRefusal !== undefined) throw new UsageError(options.writeRefusal);
      const outcome = await submit(plan(dryRun));
      return JSON.stringify(changeOutcomeJson(own(outcome.result), outcome, dryRun), null, 2);
    });
  const runOptions = (dryRun: boolean, why?: string) => ({ dryRun, commit: options.commit === true, cwd: options.cwd, ...(why !== undefined ? { reason: why } : {}) });
  const findings = async (filters: { cluster?: string[]; rule?: string[]; severity?: string } = {}) => {
    const { result } = await runCheck({ file: options.file, cwd: options.cwd, registry: options.registry().registry, ...(options.repo !== undefined ? { repo: options.repo } : {}), filters: { clusters: filters.cluster ?? [], only: filters.rule ?? [] } });
    return findingsJson({ ...result, findings: filters.severity ? result.findings.filter((f) => f.severity === filters.severity) : result.findings }, { color: false });
  };

  server.registerTool(
    'check',
    { description: 'Run every rule over the port registry (and the GitOps repository, when the server has one) and return the findings as JSON: port conflicts, ports out of range, drift.', inputSchema: { cluster: clusters, rule: z.array(z.string().max(100)).max(64).optional().describe('only these rule ids'), severity: z.enum(['error', 'warning', 'info']).optional() } },
    (args) => guarded(() => findings(args)),
  );
  server.registerTool(
    'who',
    { description: 'Say which range a port belongs to, whether it is reserved, and which service holds it in each cluster.', inputSchema: { port: z.number().int().min(1).max(65535) } },
    ({ port }) => guarded(() => holdersJson(whoHolds(options.registry().registry, port))),
  );
  server.registerTool(
    'free',
    { description: 'List the ports of a range that are free in every named cluster and not reserved.', inputSchema: { range: name.describe('a range name from the registry'), clusters } },
    ({ range, clusters: names }) => guarded(() => freeJson(findFree(options.registry().registry, range, names ?? []))),
  );
  server.registerTool(
    'ports',
    { description: 'List the allocations: every port the registry gives out, one per service port per cluster.', inputSchema: { cluster: clusters, range: z.array(name).max(64).optional(), service: z.array(name).max(64).optional() } },
    (args) => guarded(() => allocationsJson(listAllocations(options.registry().registry, { clusters: args.cluster ?? [], ranges: args.range ?? [], services: args.service ?? [] }))),
  );
  server.registerTool(
    'explain_rule',
    { description: 'Explain a rule by its id (such as port-conflict): what it finds, how to fix it, its default severity and its messages.', inputSchema: { rule: z.string().min(1).max(100) } },
    ({ rule }) => guarded(() => JSON.stringify(explainRule(rule), null, 2)),
  );
  server.registerTool(
    'allocate',
    {
      description: 'Give a new service the lowest free port of a range in every named cluster, so it has the same port everywhere. A dry run unless confirm is true.',
      inputSchema: { service: name, range: name.optional(), clusters, port: z.number().int().min(1).max(65535).optional().describe('this port instead of the next free one'), names: z.array(name).max(64).optional().describe('named ports, given consecutive numbers'), reason, confirm },
    },
    (args) => change(args.confirm, (dryRun) => allocationChange({ service: args.service, ...(args.range ? { range: args.range } : {}), clusters: args.clusters ?? [], ...(args.port ? { port: args.port } : {}), names: args.names ?? [] }, runOptions(dryRun, args.reason)), allocationJson),
  );
  server.registerTool(
    'release',
    { description: "Take a service out of the registry, freeing its ports, everywhere or in some clusters. A dry run unless confirm is true.", inputSchema: { service: name, clusters, reason, confirm } },
    (args) => change(args.confirm, (dryRun) => releaseChange({ service: args.service, clusters: args.clusters ?? [] }, runOptions(dryRun, args.reason)), releaseJson),
  );
  server.registerTool(
    'move',
    { description: "Give a service's port a new number: `to`, or the next free port of its range. A dry run unless confirm is true.", inputSchema: { service: name, to: z.number().int().min(1).max(65535).optional(), range: name.optional(), portName: name.optional(), reason, confirm } },
    (args) => change(args.confirm, (dryRun) => moveChange({ service: args.service, ...(args.to ? { to: args.to } : {}), ...(args.range ? { range: args.range } : {}), ...(args.portName ? { portName: args.portName } : {}) }, runOptions(dryRun, args.reason)), moveJson),
  );

  server.registerResource('registry', 'portolan://registry', { description: 'The port registry: clusters, ranges, services, reservations', mimeType: 'application/json' }, (uri) => {
    const { registry, etag } = options.registry();
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: registryJson(registry, etag) }] };
  });
  server.registerResource('document', 'portolan://document', { description: 'The Markdown port document generated from the registry', mimeType: 'text/markdown' }, (uri) => {
    const outcome = runDocs({ registry: options.registry().registry, registryFile: options.file, mode: 'print' });
    return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: outcome.mode === 'print' ? outcome.text : '' }] };
  });
  server.registerResource('findings', 'portolan://findings', { description: 'What check finds in the registry', mimeType: 'application/json' }, async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: await findings() }] }));
  return server;
}

/** `portolan mcp`: the MCP server on stdin and stdout, for editors and local agents, until the client goes. */
export async function serveMcpStdio(options: { file: string; cwd: string; repo?: string; commit?: boolean }): Promise<void> {
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const { RegistryCache } = await import('../engine/registry-cache.ts');
  const cache = new RegistryCache(options.file, options.cwd);
  cache.current();
  const server = createMcpServer({ ...options, registry: () => cache.current() });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((done) => (transport.onclose = done));
  await server.connect(transport);
  process.stdin.on('end', () => void server.close());
  await closed;
}

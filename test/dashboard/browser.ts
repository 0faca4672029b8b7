import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CLI_ARGS, startNode } from '../allocate/processes.ts';
import { ROOT, runCli } from '../helpers.ts';

/** Debian's Chromium, which scripts/test-deps.sh installs when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless flags for a closed network: no sandbox (root in a container), no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where the browser tests leave their screenshots for a person to look at (gitignored). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** Chromium with a fresh profile folder; one per test file. */
export async function openBrowser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'portolan-chromium-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
}

/**
 * A real `portolan serve` on 127.0.0.1 (or another loopback address given as `host`), port 0, over
 * a fresh copy of examples/homelab, with a write token and a read token. On any address but
 * 127.0.0.1, ::1 and localhost the server asks a token for reads too.
 */
export async function serveExample(host = '127.0.0.1'): Promise<{ dir: string; file: string; base: string; token: string; readToken: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portolan-dashboard-'));
  cpSync(join(ROOT, 'examples', 'homelab'), dir, { recursive: true });
  const added = await runCli(['token', 'add', 'dashboard', '--scope', 'write'], dir);
  if (added.code !== 0) throw new Error(added.stderr);
  const reader = await runCli(['token', 'add', 'viewer', '--scope', 'read'], dir);
  if (reader.code !== 0) throw new Error(reader.stderr);
  const server = startNode([...CLI_ARGS, 'serve', '--listen', `${host}:0`], dir);
  const said = new RegExp(`the dashboard is at (http://${host.replace(/\./g, '\\.')}:\\d+)/`);
  let base = '';
  for (let i = 0; i < 1200 && !base; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    base = said.exec(server.errors())?.[1] ?? '';
    if (server.child.exitCode !== null) throw new Error(`portolan serve stopped: ${server.errors()}`);
  }
  if (!base) throw new Error(`portolan serve did not say where it listens: ${server.errors()}`);
  return {
    dir,
    file: join(dir, 'portolan.yaml'),
    base,
    token: added.stdout.trim(),
    readToken: reader.stdout.trim(),
    // Stopping twice is fine: the second waits for the same exit.
    stop: async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      await server.exited;
    },
  };
}

/** Every request a page makes to another origin than the server's: there must be none. */
export function foreignRequests(page: Page, base: string): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith('data:')) foreign.push(url);
  });
  return foreign;
}

/** The serious and critical accessibility violations axe-core finds in the page as it is now. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  // Injected through the devtools protocol's script evaluation, which the page's CSP does not govern.
  await page.evaluate(readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    passes: unknown[];
  };
  if (result.passes.length === 0) throw new Error('axe-core checked nothing in the page');
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

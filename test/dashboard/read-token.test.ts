import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { openBrowser, serveExample } from './browser.ts';

// A server whose reads need a token (it listens on a loopback address other than 127.0.0.1, as it
// would on a LAN address): the page asks for a read token once, then reads and follows the
// registry's events with it, the token kept in the tab's session storage and nowhere else.

let server: Awaited<ReturnType<typeof serveExample>>;
let browser: BrowserContext;

before(async () => {
  server = await serveExample('127.0.0.2');
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the page asks for a read token, then draws the map and follows the registry with it', { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const sent: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/v1/')) sent.push(`${new URL(request.url()).pathname} ${request.headers().authorization ?? 'none'}`);
  });
  await page.goto(`${server.base}/`);
  const form = page.locator('form#read-token');
  await form.waitFor();
  assert.match(await form.innerText(), /This server's reads need a token/);
  assert.equal(await page.locator('.range').count(), 0, 'nothing is drawn without the token');

  await form.locator('input[name="token"]').fill('not-a-token');
  await form.locator('button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelector('form#read-token p')?.textContent?.includes('not known') ?? false, undefined, { timeout: 30_000 });

  await form.locator('input[name="token"]').fill(server.readToken);
  await form.locator('button[type="submit"]').click();
  await page.waitForSelector('li.range[data-range="platform"]', { timeout: 60_000 });
  assert.equal(await page.locator('form#read-token').count(), 0);
  // Every read after the token, the event stream too, carries it; no URL does.
  const withToken = sent.filter((line) => line.endsWith(`Bearer ${server.readToken}`)).map((line) => line.split(' ')[0]);
  assert.ok(withToken.includes('/v1/events') && withToken.includes('/v1/map'), sent.join('\n'));
  assert.ok(sent.every((line) => !line.split(' ')[0]!.includes(server.readToken)));
  const kept = await page.evaluate(() => ({ session: sessionStorage.getItem('portolan-read-token'), local: localStorage.length, cookies: document.cookie }));
  assert.deepEqual(kept, { session: server.readToken, local: 0, cookies: '' });
  await page.close();
});

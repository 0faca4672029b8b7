import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { inputErrorsOf } from '../../src/core/errors.ts';
import { rangeUsage } from '../../src/engine/queries.ts';
import { parseRegistry } from '../../src/registry/load.ts';
import { ROOT } from '../helpers.ts';
import { axeViolations, foreignRequests, openBrowser, SCREENSHOTS, serveExample } from './browser.ts';

// The dashboard as a person uses it, in Debian's Chromium against a real `portolan serve` of a
// copy of examples/homelab: the map, the 30081 conflict in Forge, its finding and line, search,
// an allocation with a token, and the banner while the file is broken.

const CELL = 13; // the map's cell and gap, as ui/src/map.tsx draws them
const LABEL = 120;
const HEADER = 18;

describe('the dashboard in a browser', { timeout: 300_000 }, () => {
  let server: Awaited<ReturnType<typeof serveExample>>;
  let browser: BrowserContext;
  let page: Page;
  let foreign: string[];
  const problems: string[] = [];

  before(async () => {
    server = await serveExample();
    browser = await openBrowser();
    page = await browser.newPage();
    foreign = foreignRequests(page, server.base);
    // Anything the page's CSP refuses (an inline style or script) is recorded, and must never happen.
    await page.addInitScript(() => {
      const seen: string[] = ((globalThis as unknown as { cspViolations: string[] }).cspViolations = []);
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens a range of the map and waits until its grid is painted. */
  async function openRange(name: string) {
    const fold = page.locator(`li.range[data-range="${name}"] > button.fold`);
    if ((await fold.getAttribute('aria-expanded')) !== 'true') await fold.click();
    await page.waitForSelector(`.canvas-wrap[data-range="${name}"][data-drawn]`);
    return page.locator(`.canvas-wrap[data-range="${name}"] canvas`);
  }

  test('the page comes with a strict CSP and the map of the example is drawn from the API', async () => {
    const response = await page.goto(`${server.base}/`);
    const policy = response!.headers()['content-security-policy'] ?? '';
    assert.match(policy, /script-src 'self'/);
    assert.match(policy, /default-src 'none'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    await page.waitForSelector('#map[data-drawn]');
    const ranges = await page.locator('li.range').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-range')));
    const registry = parseRegistry('portolan.yaml', readFileSync(server.file, 'utf8'));
    assert.deepEqual(ranges, registry.ranges.map((r) => r.name));
    assert.match(await page.locator('li.range[data-range="platform"] .troubles').innerText(), /1 conflict/);
    await page.screenshot({ path: join(SCREENSHOTS, 'map-folded.png'), fullPage: true });
  });

  test('the 30081 conflict in Forge: hovered, reached by keyboard, clicked through to its finding, its line and its rule', async () => {
    const grid = await openRange('platform');
    const box = (await grid.boundingBox())!;
    // Forge is the first row; 30081 the 82nd column of 30000-30099.
    await page.mouse.move(box.x + LABEL + 81 * CELL + 6, box.y + HEADER + 0 * CELL + 6);
    const tooltip = await page.locator('.tooltip').innerText();
    assert.match(tooltip, /^forge 30081: conflict/);
    assert.match(tooltip, /flyte-console \(ai-ml, portolan\.yaml:93/);
    assert.match(tooltip, /kafka \(message-queues, portolan\.yaml:218/);
    // The same cell by keyboard: focus the grid, 81 steps right.
    await grid.focus();
    for (let i = 0; i < 81; i++) await page.keyboard.press('ArrowRight');
    assert.match(await page.locator('.grid .sr-live').innerText(), /^forge 30081: conflict/);
    await page.keyboard.press('Enter');
    const panel = page.locator('.cell-panel[data-cell="forge:30081"]');
    assert.match(await panel.locator('h3').innerText(), /forge · 30081 · conflict/);
    // The click opens both services in a few words.
    assert.match(await panel.locator('.service-card[data-service="flyte-console"]').innerText(), /^Flyte Console: NodePort, active; ports 30081 in forge/);
    assert.match(await panel.locator('.service-card[data-service="kafka"]').innerText(), /^kafka: NodePort, active; ports 30081 in forge, 30081 in studio, 30081 in pro/);
    await page.screenshot({ path: join(SCREENSHOTS, 'map-conflict.png'), fullPage: true });
    // The README's picture is this view; `npm run docs:screenshot` renews it (a test run leaves tracked files alone).
    if (process.env.PORTOLAN_README_SCREENSHOT === '1') await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png') });
    await panel.locator('a:has-text("port-conflict")').click();
    await page.waitForSelector('#findings .finding.focused');
    const finding = page.locator('#findings .finding.focused');
    assert.equal(await finding.getAttribute('data-rule'), 'port-conflict');
    assert.match(await finding.locator('.message').innerText(), /port 30081 in cluster forge is held by/);
    await finding.locator('button:has-text("portolan.yaml:93")').click();
    const line = finding.locator('pre.source code.here');
    assert.equal(await line.getAttribute('data-line'), '93');
    assert.match(await line.innerText(), /port: 30081/);
    await finding.locator('button.rule').click();
    await page.locator('.rule-page pre.doc').waitFor();
    assert.match(await page.locator('.rule-page').innerText(), /Two services hold the same NodePort/);
    assert.match(await page.locator('.rule-page pre.doc').innerText(), /^# port-conflict/m);
    await page.screenshot({ path: join(SCREENSHOTS, 'findings.png'), fullPage: true });
    // Back to the map from the finding: its cell is selected there.
    await finding.locator('a:has-text("on the map")').click();
    await page.waitForSelector('.cell-panel[data-cell="forge:30081"]');
  });

  test('the findings filter by severity and group by cluster', async () => {
    await page.goto(`${server.base}/#/findings`);
    await page.waitForSelector('#findings');
    const all = await page.locator('#findings .finding').count();
    await page.selectOption('#findings select >> nth=3', 'warning');
    const warnings = await page.locator('#findings .finding').count();
    assert.ok(warnings > 0 && warnings < all, `${warnings} warnings of ${all}`);
    assert.equal(await page.locator('#findings .finding.error').count(), 0);
    await page.selectOption('#findings select >> nth=4', 'cluster');
    const groups = await page.locator('#findings .finding-group h3').allInnerTexts();
    assert.ok(groups.some((g) => g.startsWith('studio')) && groups.some((g) => g.startsWith('(none)')), groups.join(' | '));
  });

  test('search: who holds 30081, the next free port of ai-agents, and a service by name', async () => {
    await page.goto(`${server.base}/`);
    await page.fill('#search-words', '30081');
    await page.press('#search-words', 'Enter');
    await page.waitForSelector('#search .who');
    const who = await page.locator('#search .who').innerText();
    assert.match(who, /forge: flyte-console \(portolan\.yaml:93\), kafka \(portolan\.yaml:218\)/);
    assert.match(who, /studio: kafka/);

    await page.fill('#search-words', 'next free in ai-agents');
    await page.press('#search-words', 'Enter');
    const registry = parseRegistry('portolan.yaml', readFileSync(server.file, 'utf8'));
    const next = rangeUsage(registry).find((u) => u.range.name === 'ai-agents')!.next;
    assert.equal(await page.locator('#search .next-free').innerText(), String(next));
    await page.screenshot({ path: join(SCREENSHOTS, 'search.png'), fullPage: true });

    await page.fill('#search-words', 'vll');
    await page.press('#search-words', 'Enter');
    await page.click('#search a:has-text("vllm")');
    await page.waitForSelector('#service table.ports');
    const service = await page.locator('#service').innerText();
    assert.match(service, /ml-inference/);
    assert.match(service, /8000/);
    assert.match(service, /from studio to forge \(gateway\): vllm-forge/);
    await page.screenshot({ path: join(SCREENSHOTS, 'service.png'), fullPage: true });
  });

  test('no serious or critical accessibility violation in any view, light or dark; no request leaves the server', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [place, ready] of [
        ['#/map/platform?cluster=forge&port=30081', '.cell-panel'],
        ['#/findings', '#findings .finding'],
        ['#/service/agent-auditor-service', '#service table'],
        ['#/search/30081', '#search .who'],
        ['#/change', '#change form'],
      ] as const) {
        await page.goto(`${server.base}/${place}`);
        await page.waitForSelector(ready);
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `${scheme} ${place}: ${JSON.stringify(violations, null, 2)}`);
      }
      await page.goto(`${server.base}/#/map/platform?cluster=forge&port=30081`);
      await page.waitForSelector('.cell-panel');
      await page.screenshot({ path: join(SCREENSHOTS, `map-${scheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations), []);
  });

  test('allocate with a write token: the preview shows the lines, nothing is written until confirmed, then the map changes', async () => {
    const registry = parseRegistry('portolan.yaml', readFileSync(server.file, 'utf8'));
    const next = rangeUsage(registry).find((u) => u.range.name === 'ai-agents')!.clusters.find((c) => c.cluster === 'studio')!.next!;
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#map[data-drawn]');
    const heldBefore = await page.locator('li.range[data-range="ai-agents"] > button.fold').innerText();
    await page.goto(`${server.base}/#/change`);
    await page.fill('.token-form input[name="token"]', server.token);
    await page.click('.token-form button[type="submit"]');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('portolan-write-token')), server.token);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    await page.fill('.change-form input[name="service"]', 'agent-nova');
    await page.selectOption('.change-form select[name="range"]', 'ai-agents');
    await page.check('.change-form label.check:has-text("studio") input');
    const before = readFileSync(server.file, 'utf8');
    await page.click('.change-form button[type="submit"]');
    const preview = page.locator('.outcome[data-dry-run="true"]');
    await preview.waitFor();
    assert.match(await preview.innerText(), /would write portolan\.yaml/);
    assert.match(await preview.innerText(), /would write PORTS\.md/);
    const added = await preview.locator('pre.diff code.added').allInnerTexts();
    assert.ok(added.some((l) => /^\+\s+agent-nova:/.test(l)), added.join(''));
    assert.ok(added.some((l) => l.includes(String(next))), `the diff adds port ${next}`);
    assert.equal(readFileSync(server.file, 'utf8'), before, 'a preview writes nothing');
    await page.screenshot({ path: join(SCREENSHOTS, 'allocate-preview.png'), fullPage: true });
    await page.click('.change-form button.confirm');
    await page.locator('.outcome[data-dry-run="false"]').waitFor();
    assert.match(readFileSync(server.file, 'utf8'), /agent-nova:/);
    // The token was asked once: a reload of the page keeps it for the session.
    await page.reload();
    await page.waitForSelector('#change form.change-form');
    assert.equal(await page.locator('.token-form').count(), 0);
    // The map follows the file through the server's events.
    await page.goto(`${server.base}/#/map/ai-agents?cluster=studio&port=${next}`);
    const panel = page.locator(`.cell-panel[data-cell="studio:${next}"]`);
    await panel.waitFor();
    assert.match(await panel.innerText(), /agent-nova/);
    assert.notEqual(await page.locator('li.range[data-range="ai-agents"] > button.fold').innerText(), heldBefore);
  });

  test('release, move and reserve preview what they would write, and write nothing until confirmed', async () => {
    const before = readFileSync(server.file, 'utf8');
    const preview = async (form: string, fill: () => Promise<void>) => {
      await page.goto(`${server.base}/#/change?form=${form}`);
      await page.waitForSelector(`.change-form[data-form="${form}"]`);
      await fill();
      await page.click('.change-form button[type="submit"]');
      const outcome = page.locator('.outcome[data-dry-run="true"]');
      await outcome.waitFor();
      return { text: await outcome.innerText(), added: await outcome.locator('pre.diff code.added').allInnerTexts(), removed: await outcome.locator('pre.diff code.removed').allInnerTexts() };
    };
    const release = await preview('release', () => page.fill('.change-form input[name="service"]', 'kafka'));
    assert.match(release.text, /^release kafka: 30081/m);
    assert.ok(release.removed.some((l) => /^-\s+kafka:/.test(l)), release.removed.join(''));
    const move = await preview('move', async () => {
      await page.fill('.change-form input[name="service"]', 'kafka');
      await page.fill('.change-form input[name="to"]', '30650');
    });
    assert.match(move.text, /^move kafka: 30650/m);
    assert.ok(move.added.some((l) => /^\+\s+port: 30650/.test(l)), move.added.join(''));
    const reserve = await preview('reserve', async () => {
      await page.fill('.change-form input[name="ports"]', '30290-30299');
      await page.fill('.change-form input[name="reason"]', 'future agents');
    });
    assert.match(reserve.text, /^reserve 30290-30299/m);
    assert.ok(reserve.added.some((l) => l.includes('30290-30299')), reserve.added.join(''));
    assert.equal(readFileSync(server.file, 'utf8'), before, 'previews write nothing');
  });

  test('a registry broken on disk shows a banner with its line instead of passing the last good map off as current, and mends', async () => {
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#map[data-drawn]');
    const good = readFileSync(server.file, 'utf8');
    const broken = good.replace('    port: 30081\n', '    port: thirty\n');
    assert.notEqual(broken, good);
    let expected = '';
    try {
      parseRegistry('portolan.yaml', broken);
    } catch (error) {
      const first = inputErrorsOf(error)[0]!;
      expected = `${first.at!.file}:${first.at!.line}:${first.at!.column}: `;
    }
    assert.ok(expected, 'the corrupted registry does not parse');
    // As an editor or git writes a file: whole, by renaming a new one over it.
    const replace = (text: string) => {
      writeFileSync(`${server.file}.new`, text);
      renameSync(`${server.file}.new`, server.file);
    };
    replace(broken);
    const banner = page.locator('#broken-banner');
    await banner.waitFor();
    assert.equal((await banner.locator('.where').innerText()).trim(), expected.trim());
    assert.equal(await page.locator('#map.stale').count(), 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'broken-banner.png'), fullPage: true });
    assert.deepEqual(await axeViolations(page), [], 'the broken banner reads as well as the page');
    replace(good);
    await banner.waitFor({ state: 'detached' });
    assert.equal(await page.locator('#map.stale').count(), 0);
  });

  test('a server that stops answering is said so, and the banners pass the accessibility check', async () => {
    await page.goto(`${server.base}/`);
    await page.waitForSelector('#map[data-drawn]');
    await server.stop();
    await page.locator('#lost-banner').waitFor();
    assert.match(await page.locator('#lost-banner').innerText(), /The server does not answer/);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      assert.deepEqual(await axeViolations(page), [], scheme);
    }
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrder } from '../../src/canonical/fixtures.ts';
import type { Order } from '../../src/canonical/order.ts';
import { eventually } from '../../src/ports/conformance/harness.ts';
import { seedDeadLetters, startConsoleFixture, type ConsoleFixture } from '../../src/console/testing.ts';

/** Debian's chromium; never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');
const hasChromium = existsSync(CHROMIUM);
/** The W3C trace the first order arrives with (as from an instrumented storefront webhook). */
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

if (!hasChromium) {
  console.warn(`SKIPPED: console browser tests (test/browser/console.browser.test.ts): ${CHROMIUM} does not exist. Install Debian's chromium (apt-get install chromium) to run them.`);
}

// A browser on a shared 2-core machine can be slow; waits are bounded by these, never timed assertions.
describe.skipIf(!hasChromium)('console in headless Chromium', { timeout: 60_000 }, () => {
  let fixture: ConsoleFixture;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  /** Uncaught errors in the page: every test ends with none. */
  const pageErrors: string[] = [];

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The ERP connector reports its system's own quota: 4 of 5 concurrency slots, 80 %.
    fixture = await startConsoleFixture({ erpQuota: () => ({ name: 'concurrency', used: 4, limit: 5, source: 'requests in flight counted by the connector' }) });
    // A bad day in miniature: one order NetSuite refuses, a few booked, and a backlog of older
    // exceptions so the list pages.
    fixture.brokenOrders.add('SO-1001');
    await seedDeadLetters(fixture.adapters.storage, { count: 120, keyPrefix: 'WEB-', errorCode: (index) => (index % 3 === 0 ? 'INVALID_KEY_OR_REF' : 'REQUIRED_FIELD_MISSING') });
    await fixture.placeOrder('SO-1001', 'corr-so-1001', undefined, `00-${TRACE_ID}-00f067aa0ba902b7-01`);
    for (const number of ['SO-1002', 'SO-1003', 'SO-1004']) await fixture.placeOrder(number);
    await eventually(async () => (await fixture.adapters.storage.deadLetters.count({ status: 'open', key: 'SO-1001' })) === 1 && fixture.erp.effects.size === 3, 'SO-1001 dead-lettered, the others booked');
    await fixture.sampleMetrics();
    await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(fixture.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Fail within the test's own time budget, with the locator named, rather than at vitest's.
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  async function noHorizontalOverflow(): Promise<void> {
    // A string: the test is type-checked without the DOM library.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  }

  it('logs in and shows business health first', async () => {
    await page.goto(`${baseUrl}/console/`);
    await page.getByLabel('User').fill('operator');
    await page.getByLabel('Password').fill('operator-pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Business health' }).waitFor();
    await expect.poll(() => page.locator('[data-stat="open-exceptions"] .big').textContent()).toBe('121');
    expect(await page.locator('[data-target="erp"] .pill').textContent()).toBe('Connected');
    expect(await page.locator('[data-panel="orders-awaiting-erp-booking"]').textContent()).toContain('0 orders waiting for ERP booking');
    // Quota as the system reports it, flagged from 80 %; freshness per flow; business checks above the systems.
    const quota = page.locator('[data-target="erp"] [data-quota]');
    expect(await quota.getAttribute('data-quota')).toBe('warning');
    expect(await quota.textContent()).toContain('Concurrent requests80% used');
    expect(await quota.textContent()).toContain('4 of 5 · from requests in flight counted by the connector');
    const orderCapture = page.locator('[data-section="freshness"] tr[data-flow="order-capture"]');
    expect(await orderCapture.locator('[data-fresh="handled"]').textContent()).toMatch(/^\d+(s| min) ago \(/);
    expect(await orderCapture.locator('[data-fresh="delivered"]').textContent()).toMatch(/^\d+(s| min) ago \(/);
    expect(await page.locator('[data-section="freshness"] tr[data-oldest="erp"]').textContent()).toContain('none waiting');
    const business = await page.locator('[data-section="business"]').boundingBox();
    const systems = await page.locator('[data-target="erp"]').boundingBox();
    expect(business!.y).toBeLessThan(systems!.y);
    await noHorizontalOverflow();
    await page.screenshot({ path: join(SCREENSHOTS, 'health.png') });
    await page.screenshot({ path: join(SCREENSHOTS, 'health-full-page.png'), fullPage: true });
  });

  it('finds an order by its number on the Trace page', async () => {
    await page.getByRole('link', { name: 'Trace' }).click();
    await page.getByRole('searchbox').fill('SO-1001');
    await page.getByRole('button', { name: 'Trace' }).click();
    await page.locator('[data-trace-summary]').waitFor();
    expect(await page.locator('.hop').count()).toBe(4);
    expect(await page.locator('.hop[data-kind="dead-letter"]').textContent()).toContain('USER_ERROR (entity.companyName)');
    // The trace id of the work, to look it up in Jaeger or Tempo.
    expect(await page.locator('.hop[data-kind="event"] [data-trace-id]').textContent()).toBe(`trace ${TRACE_ID}`);
    await noHorizontalOverflow();
    await page.screenshot({ path: join(SCREENSHOTS, 'trace.png') });
  });

  it('retries the exception with a reason and sees the order delivered', async () => {
    await page.getByRole('link', { name: /Open exception #/ }).click();
    const detail = page.locator('.detail');
    await detail.waitFor();
    expect(await detail.locator('.sentence').textContent()).toBe('Order SO-1001 could not be booked in NetSuite: USER_ERROR (entity.companyName)');
    await page.screenshot({ path: join(SCREENSHOTS, 'exception-detail.png') });

    fixture.brokenOrders.delete('SO-1001'); // the customer's name was completed in NetSuite
    await detail.getByRole('button', { name: 'Retry' }).click();
    await page.getByLabel('Why? (kept in the audit log)').fill('customer name completed in NetSuite');
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('status').waitFor();
    await expect.poll(async () => page.locator('.detail [data-status]').getAttribute('data-status')).toBe('retried');
    expect(await detail.locator('.history').textContent()).toContain('retried by operator');
    // The open exception follows the order until the hub has delivered it.
    await expect.poll(() => detail.locator('[data-now]').textContent(), { timeout: 15_000 }).toMatch(/^Now: delivered to the ERP \(id SO-77\d+\)$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'exception-resolved.png') });

    // The hub redelivers; reopening shows where the order stands now.
    await eventually(async () => (await fixture.adapters.storage.delivery.find({ key: 'SO-1001' }))[0]?.status === 'delivered', 'SO-1001 delivered');
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('link', { name: 'Trace' }).click();
    await page.getByRole('searchbox').fill('SO-1001');
    await page.getByRole('button', { name: 'Trace' }).click();
    await page.locator('.hop[data-kind="delivery"][data-outcome="ok"]').waitFor();
    expect(await page.locator('.hop[data-kind="delivery"][data-outcome="ok"]').textContent()).toMatch(/delivered; the ERP id SO-77/);
    await page.screenshot({ path: join(SCREENSHOTS, 'trace-after-retry.png') });
  });

  it('pages and groups exceptions server side, and acts in bulk', async () => {
    await page.getByRole('link', { name: 'Exceptions' }).click();
    await page.locator('table.exceptions tbody tr[data-id]').first().waitFor();
    expect(await page.locator('table.exceptions tbody tr[data-id]').count()).toBe(50);
    expect(await page.locator('.pager').textContent()).toContain('120 in all');
    expect(await page.locator('.group').first().textContent()).toContain('REQUIRED_FIELD_MISSING');
    await noHorizontalOverflow();
    await page.screenshot({ path: join(SCREENSHOTS, 'exceptions.png') });

    await page.locator('.group', { hasText: 'INVALID_KEY_OR_REF' }).click();
    await expect.poll(() => page.locator('table.exceptions tbody tr[data-id]').count()).toBe(40);
    await page.getByLabel('Select all on this page').check();
    await page.getByRole('button', { name: 'Discard selected' }).click();
    await page.getByLabel('Why? (kept in the audit log)').fill('duplicate web orders from the rehearsal');
    await page.getByRole('dialog').getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('40 done');
    expect(await fixture.adapters.storage.deadLetters.count({ status: 'discarded' })).toBe(40);
  });

  it('retries every exception of a group in one action, after confirming how many', async () => {
    // A warehouse outage: 30 refusals no dispatcher here picks up again, so they stay where the retry puts them.
    await seedDeadLetters(fixture.adapters.storage, { count: 30, keyPrefix: 'WMS-', target: 'wms', errorCode: () => 'UNABLE_TO_LOCK_ROW' });
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await page.getByRole('link', { name: 'Exceptions', exact: true }).click();
    const group = page.locator('[data-group="wms/UNABLE_TO_LOCK_ROW"]');
    await group.getByRole('button', { name: 'Retry all 30' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByRole('heading').textContent()).toBe('Retry all 30 open exceptions');
    expect(await dialog.textContent()).toContain('Matching target wms, error code UNABLE_TO_LOCK_ROW.');
    await dialog.getByLabel('Why? (kept in the audit log)').fill('warehouse lock released after the outage');
    await noHorizontalOverflow();
    await page.screenshot({ path: join(SCREENSHOTS, 'exceptions-retry-all.png') });
    await dialog.getByRole('button', { name: 'Retry 30 exceptions' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('30 retried.');
    expect(await fixture.adapters.storage.deadLetters.count({ status: 'retried', target: 'wms' })).toBe(30);
    expect(await fixture.adapters.storage.deadLetters.count({ status: 'open', target: 'wms' })).toBe(0);
  });

  it('edits an exception\'s payload, resumes it, and sees it leave the open list', async () => {
    // NetSuite refuses an order whose first line has a mistyped SKU: only its payload can be fixed.
    fixture.unknownSkus.add('TRAIL-RUNNR-42');
    const lines = sampleOrder().lines.map((line, index) => (index === 0 ? { ...line, sku: 'TRAIL-RUNNR-42' } : line));
    await fixture.placeOrder('SO-1005', 'corr-so-1005', { lines });
    await eventually(async () => (await fixture.adapters.storage.deadLetters.count({ status: 'open', key: 'SO-1005' })) === 1, 'SO-1005 dead-lettered');

    // A fresh Exceptions page, narrowed to the order.
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await page.getByRole('link', { name: 'Exceptions', exact: true }).click();
    const rows = page.locator('table.exceptions tbody tr[data-id]');
    // Filter only once the first page has rendered: its render would reset a filter typed earlier.
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    await page.getByLabel('Business key').fill('SO-1005');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByRole('link', { name: 'SO-1005' }).click();
    const detail = page.locator('.detail');
    await detail.getByText('Edit payload & resume').click();
    const editor = detail.getByLabel('Payload (JSON)');
    const edited = JSON.parse(await editor.inputValue()) as Order;
    expect(edited.lines[0]!.sku).toBe('TRAIL-RUNNR-42');
    edited.lines[0]!.sku = 'TRAIL-RUNNER-42-BLU';
    edited.lines[0]!.quantity = 0; // a slip while editing, which the hub must catch
    await editor.fill(JSON.stringify(edited));
    await detail.getByLabel('Reason for the change (kept in the audit log)').fill('SKU typo on line 1 (TRAIL-RUNNR-42)');
    await detail.getByRole('button', { name: 'Resume with this payload' }).click();

    // The problem is shown next to the line of the field it names; clicking it selects that line.
    const issue = detail.locator('[data-issue-field="lines[0].quantity"]');
    await issue.waitFor();
    expect(await issue.textContent()).toMatch(/"quantity": 0,[\s\S]*lines\[0\]\.quantity must be/);
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    await issue.getByRole('button').click();
    expect(await page.evaluate<string>('document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)')).toContain('"quantity": 0');
    await noHorizontalOverflow();
    await page.screenshot({ path: join(SCREENSHOTS, 'exception-fix-invalid.png') });
    expect(await fixture.adapters.storage.deadLetters.count({ status: 'open', key: 'SO-1005' })).toBe(1);

    edited.lines[0]!.quantity = 1;
    await editor.fill(JSON.stringify(edited, null, 2));
    await detail.getByRole('button', { name: 'Resume with this payload' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('retried with the corrected payload by operator');
    await expect.poll(() => rows.count()).toBe(0);
    expect(await page.locator('table.exceptions tbody').textContent()).toContain('No exceptions match');
    await expect.poll(async () => detail.locator('[data-status]').getAttribute('data-status')).toBe('retried');
    expect(await detail.locator('.history').textContent()).toContain('fixed (payload edited) by operator');
    await expect.poll(() => detail.locator('[data-now]').textContent(), { timeout: 15_000 }).toMatch(/^Now: delivered to the ERP \(id SO-77\d+\)$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'exception-fixed.png') });
    expect((fixture.erp.appliedByKey.get('SO-1005') as Order[]).map((order) => order.lines[0]!.sku)).toEqual(['TRAIL-RUNNER-42-BLU']);
  });

  it('draws the charts', async () => {
    await page.getByRole('link', { name: 'Charts' }).click();
    await page.locator('figure.chart svg').first().waitFor();
    expect(await page.locator('figure.chart').count()).toBe(4);
    await noHorizontalOverflow();
    await page.screenshot({ path: join(SCREENSHOTS, 'charts.png') });
  });

  it('masks personal data for a viewer and offers no actions', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('User').fill('viewer');
    await page.getByLabel('Password').fill('viewer-pw');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.who', { hasText: 'personal data masked' }).waitFor();
    await page.evaluate("window.location.hash = '#/exceptions?status=all&id=1'");
    await page.locator('.detail .json').first().waitFor();
    const text = await page.locator('.detail').textContent();
    expect(text).not.toContain('Jane Doe');
    expect(text).toContain('J***');
    expect(await page.locator('.detail').getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'viewer-masked.png') });
    // An open exception with an editable payload: a viewer gets no editor either.
    await page.evaluate("window.location.hash = '#/exceptions?status=open&id=2'");
    await page.locator('.detail[data-exception="2"] .json').first().waitFor();
    expect(await page.locator('.detail [data-status]').getAttribute('data-status')).toBe('open');
    expect(await page.locator('.detail .fix').count()).toBe(0);
  });
});

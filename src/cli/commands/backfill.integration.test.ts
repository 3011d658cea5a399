import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/sqlite/index.ts';
import { BackfillJobStore } from '../../backfill/job.ts';
import { customerNumber, seedCustomers } from '../../backfill/testing.ts';
import { SANDBOX_TBA_CREDENTIALS, startNetSuiteSandbox, type RunningNetSuiteSandbox } from '../../sandboxes/netsuite/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox, type SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { runCli } from '../main.ts';
import { bufferedIo } from '../testing.ts';

describe('crossdock backfill', () => {
  const folder = mkdtempSync(join(tmpdir(), 'crossdock-backfill-'));
  let netsuite: RunningNetSuiteSandbox;
  let salesforce: SalesforceSandbox;
  let configFile: string;
  const database = join(folder, 'hub.sqlite');

  beforeAll(async () => {
    netsuite = await startNetSuiteSandbox({ host: '127.0.0.1', port: 0, demoData: false, latency: { recordWrite: { p50Ms: 0, p99Ms: 0 }, recordRead: { p50Ms: 0, p99Ms: 0 }, query: { p50Ms: 0, p99Ms: 0 } } });
    salesforce = await startSalesforceSandbox();
    seedCustomers(netsuite, 250, { invalidEmails: [3] });
    configFile = join(folder, 'crossdock.yaml');
    const tba = SANDBOX_TBA_CREDENTIALS;
    writeFileSync(
      configFile,
      [
        `storage: { kind: sqlite, path: ${JSON.stringify(database)} }`,
        'systems:',
        '  erp:',
        '    connector: netsuite',
        `    settings: { accountId: ${JSON.stringify(netsuite.accountId)}, baseUrl: ${JSON.stringify(netsuite.url)}, source: { currency: USD },`,
        `      credentials: { tba: { consumerKey: ${tba.consumerKey}, consumerSecret: ${tba.consumerSecret}, tokenId: ${tba.tokenId}, tokenSecret: ${tba.tokenSecret} } } }`,
        '  crm:',
        '    connector: salesforce',
        `    settings: { loginUrl: ${JSON.stringify(salesforce.url)}, credentials: { flow: client-credentials, clientId: ${DEFAULT_CLIENT_ID}, clientSecret: ${DEFAULT_CLIENT_SECRET} } }`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await netsuite?.close();
    await salesforce?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('stops at --limit, resumes on the next run, and prints progress lines and a summary with the failed records', async () => {
    const first = bufferedIo();
    expect(await runCli(['backfill', 'customer', '--from', 'erp', '--to', 'crm', '--config', configFile, '--page-size', '50', '--chunk-size', '100', '--limit', '100'], first)).toBe(0);
    // The sandbox orders internal ids as text (1, 10, 100, ...): customer 3, the invalid one, comes in the last chunk.
    expect(first.output()).toContain('backfill customer:erp->crm stopped (run 1): 100 read, 100 written, 0 failed so far; run the same command again');
    expect(first.output()).toMatch(/customer erp→crm 100\/250 read · \d[\d,]*\/s/);

    const second = bufferedIo();
    expect(await runCli(['backfill', 'customer', '--from', 'erp', '--to', 'crm', '--config', configFile, '--page-size', '50', '--chunk-size', '100'], second)).toBe(0);
    const output = second.output();
    expect(output).toContain('backfill customer:erp->crm completed (run 1): 250 read, 249 written, 1 failed, via the salesforce bulk API (upsertCustomer)');
    expect(output).toContain('quota: 50% of crm\'s budget');
    expect(output).toMatch(/failed records \(first 1 of 1.*\n {2}netsuite customer \d+ {2}\[source\] not a valid Customer: emails\[0\]\.address must be an e-mail address/);
    // Plain lines, no terminal control characters, when stdout is not a terminal.
    expect(output).not.toContain('\x1b[');
    const accounts = (salesforce.org.store.snapshot().Account ?? []) as Record<string, unknown>[];
    expect(accounts.filter((account) => String(account.External_Id__c).startsWith('CUST-BF-'))).toHaveLength(249);
    expect(accounts.find((account) => account.External_Id__c === customerNumber(200))).toMatchObject({ LastName: 'Family200' });

    const { storage, close } = await openSqlite({ path: database });
    try {
      expect(await new BackfillJobStore(storage.records).get('customer:erp->crm')).toMatchObject({ status: 'completed', read: 250, chunks: 3 });
    } finally {
      await close();
    }
  });

  it('draws a progress bar on a terminal', async () => {
    const io = bufferedIo();
    io.stdout.isTTY = true;
    expect(await runCli(['backfill', 'customer', '--from', 'erp', '--to', 'crm', '--config', configFile, '--restart', '--chunk-size', '125'], io)).toBe(0);
    expect(io.output()).toContain('\r\x1b[2Kcustomer erp→crm [');
    expect(io.output()).toMatch(/\[█{24}\] 100% 250\/250 read/);
    expect(io.output()).toContain('completed (run 2)');
  });

  it('names the configured roles when --to names none, and refuses an unknown entity', async () => {
    const io = bufferedIo();
    expect(await runCli(['backfill', 'customer', '--from', 'erp', '--to', 'commerce', '--config', configFile], io)).toBe(2);
    expect(io.errors()).toContain('--to commerce: no system has that role in the configuration (systems.commerce); configured roles: erp, crm');
    const entity = bufferedIo();
    expect(await runCli(['backfill', 'invoice', '--from', 'erp', '--to', 'crm', '--config', configFile], entity)).toBe(1);
    expect(entity.errors()).toContain('entity must be one of product, price, customer, order, not "invoice"');
    const share = bufferedIo();
    expect(await runCli(['backfill', 'customer', '--from', 'erp', '--to', 'crm', '--quota-share', '2'], share)).not.toBe(0);
    expect(share.errors()).toContain('must be above 0 and at most 1');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { busConformance } from '../../ports/conformance/bus.conformance.ts';
import type { AdapterFactory } from '../../ports/conformance/harness.ts';
import { storageConformance } from '../../ports/conformance/storage.conformance.ts';
import { openSqlite } from './index.ts';

const directory = mkdtempSync(join(tmpdir(), 'crossdock-sqlite-'));
let counter = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const factory: AdapterFactory = {
  async open() {
    const path = join(directory, `db-${++counter}.sqlite`);
    const adapters = await openSqlite({ path });
    return { ...adapters, reopen: () => openSqlite({ path }) };
  },
};

busConformance('sqlite', factory);
storageConformance('sqlite', factory);

import { describe, expect, it } from 'vitest';
import { SqliteBus } from './bus.ts';
import { openDatabase } from './database.ts';
import { SqliteDeliveryStore } from './delivery-store.ts';
import { SqliteFlowStore } from './flow-store.ts';
import { GroupCommitWriter } from './group-commit.ts';
import { SqliteDeadLetterStore } from './operations-store.ts';
import { prefixRange } from './prefix.ts';

describe('prefixRange', () => {
  it('bounds exactly the values that start with the prefix', () => {
    expect(prefixRange('SKU-1@')).toEqual({ from: 'SKU-1@', to: 'SKU-1A' });
    expect(prefixRange('Größe')).toEqual({ from: 'Größe', to: 'Größf' });
    expect(prefixRange('a\u{10FFFF}')).toEqual({ from: 'a\u{10FFFF}', to: 'b' });
    expect(prefixRange('')).toEqual({ from: '', to: null });
    const { from, to } = prefixRange('SKU-1@');
    const inside = ['SKU-1@', 'SKU-1@DC-1', 'SKU-1@\u{10FFFF}x'];
    const outside = ['SKU-1', 'SKU-10@DC-1', 'SKU-1A', 'SKU-2@DC-1'];
    const within = (value: string) => value >= from && value < to!;
    expect(inside.filter(within)).toEqual(inside);
    expect(outside.filter(within)).toEqual([]);
  });
});

describe('prefix searches on SQLite', () => {
  it('seek an index (no scan of the event log, the queue, the dead letters or the flows)', async () => {
    const db = openDatabase({ path: ':memory:' });
    const writer = new GroupCommitWriter(db);
    // Every statement the adapters prepare, to ask SQLite how it runs the prefix ones.
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      statements.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    await new SqliteBus(db, writer).find({ subjectPrefix: 'SKU-1@', limit: 500 });
    await new SqliteDeliveryStore(db, writer).find({ keyPrefix: 'SKU-1@', limit: 500 });
    await new SqliteDeadLetterStore(db, writer).list({ keyPrefix: 'SKU-1@', limit: 500 });
    await new SqliteFlowStore(db, writer).list({ keyPrefix: 'SKU-1@', limit: 500 });

    const plans = statements
      .filter((sql) => /(key|subject) >= \?/.test(sql))
      .map((sql) => {
        const parameters = (sql.match(/\?/g) ?? []).map(() => 'x');
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail).join('; ');
      });
    expect(plans).toEqual([
      expect.stringMatching(/^SEARCH events USING INDEX events_subject \(subject>\? AND subject<\?\)/),
      expect.stringMatching(/^SEARCH delivery USING INDEX delivery_key \(key>\? AND key<\?\)/),
      expect.stringMatching(/^SEARCH dead_letters USING INDEX dead_letters_key \(key>\? AND key<\?\)/),
      expect.stringMatching(/^SEARCH flows USING INDEX flows_key \(key>\? AND key<\?\)/),
    ]);
    db.close();
  });
});

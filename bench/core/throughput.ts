import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPragmas } from '../../src/adapters/sqlite/index.ts';
import { migrations } from '../../src/adapters/sqlite/schema.ts';
import { report, round } from '../report.ts';
import { benchEvent, openPipeline } from './pipeline.ts';

const PUBLISH_BATCH = 500;

/**
 * The raw baseline: the same event rows inserted into the same table, with the same pragmas
 * and the same batch size per transaction, and nothing else. The hub cannot beat this.
 */
export function rawSqliteRowsPerSecond(count: number): number {
  const directory = mkdtempSync(join(tmpdir(), 'crossdock-raw-'));
  const db = new Database(join(directory, 'raw.sqlite'));
  try {
    applyPragmas(db);
    db.exec(migrations[0]!);
    const insert = db.prepare(
      `INSERT INTO events (source, id, type, subject, correlation_id, logged_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, id) DO NOTHING RETURNING seq`,
    );
    const insertBatch = db.transaction((from: number, to: number) => {
      for (let index = from; index < to; index++) {
        const event = benchEvent(index, 1_000);
        insert.get(event.source, event.id, event.type, event.subject, event.correlationid, Date.now(), JSON.stringify(event));
      }
    });
    const started = performance.now();
    for (let from = 0; from < count; from += PUBLISH_BATCH) insertBatch(from, Math.min(count, from + PUBLISH_BATCH));
    return count / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Events per second from the first publish until the last delivery reached the target. */
export async function endToEndEventsPerSecond(count: number, options: { durable?: boolean } = {}): Promise<{ eventsPerSecond: number; seconds: number }> {
  const pipeline = await openPipeline(undefined, options);
  try {
    await pipeline.hub.start();
    const started = performance.now();
    const delivered = new Promise<void>((resolve) => {
      pipeline.target.onBatch = () => {
        if (pipeline.target.received >= count) resolve();
      };
    });
    for (let from = 0; from < count; from += PUBLISH_BATCH) {
      const batch = [];
      for (let index = from; index < Math.min(count, from + PUBLISH_BATCH); index++) batch.push(benchEvent(index, 1_000));
      await pipeline.adapters.bus.publish(batch);
    }
    await delivered;
    const seconds = (performance.now() - started) / 1000;
    return { eventsPerSecond: count / seconds, seconds };
  } finally {
    await pipeline.close();
  }
}

export async function throughputBench(options: { events: number }): Promise<void> {
  const raw = rawSqliteRowsPerSecond(options.events);
  const endToEnd = await endToEndEventsPerSecond(options.events);
  const stateless = await endToEndEventsPerSecond(options.events, { durable: false });
  report({ name: 'core.raw_sqlite_rows_per_s', value: Math.round(raw), unit: 'rows/s', rows: options.events, batch: PUBLISH_BATCH });
  report({
    name: 'core.events_per_s',
    value: Math.round(endToEnd.eventsPerSecond),
    unit: 'events/s',
    events: options.events,
    seconds: round(endToEnd.seconds),
    path: 'bus.publish -> log -> flow (journaled) -> delivery queue -> no-op target',
  });
  report({
    name: 'core.events_per_s_stateless',
    value: Math.round(stateless.eventsPerSecond),
    unit: 'events/s',
    events: options.events,
    seconds: round(stateless.seconds),
    path: 'bus.publish -> log -> stateless flow (durable: false) -> delivery queue -> no-op target',
  });
  report({ name: 'core.ratio_to_raw', value: round(endToEnd.eventsPerSecond / raw, 3), unit: 'ratio', flow: 'journaled' });
  report({ name: 'core.ratio_to_raw_stateless', value: round(stateless.eventsPerSecond / raw, 3), unit: 'ratio', flow: 'stateless' });
}

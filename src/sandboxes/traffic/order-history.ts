import { parse } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse/sync';
import { ReturnReason } from './actions.ts';
import type { OrderLineSpec } from './actions.ts';

/**
 * A CSV of real order history, one order a row (RFC 4180, header row, comma separated):
 *
 * | column | required | format |
 * |---|---|---|
 * | order_id | yes | the order number |
 * | customer_id | yes | the customer number |
 * | channel | no | web (default), store or b2b |
 * | placed_at | yes | ISO 8601 timestamp with zone, e.g. 2026-11-20T09:15:00Z |
 * | paid_at, shipped_at, delivered_at, returned_at | no | ISO 8601; each stage after the one before |
 * | items | yes | `sku:qty:price;...`, e.g. `TRAIL-TEE-M-BLK:2:24.00;CANVAS-CAP-NVY:1:19.50` |
 * | payments | no | `method:amount;...`, method card, gift_card or paypal, e.g. `card:67.50` |
 * | return_reason | no | damaged, wrong-item, does-not-fit, changed-mind (default), late-delivery |
 * | carrier, tracking_number | no | used for the shipped milestone |
 */
export const ORDER_HISTORY_COLUMNS = [
  'order_id', 'customer_id', 'channel', 'placed_at', 'paid_at', 'shipped_at', 'delivered_at', 'returned_at',
  'items', 'payments', 'return_reason', 'carrier', 'tracking_number',
] as const;
const REQUIRED_COLUMNS = ['order_id', 'customer_id', 'placed_at', 'items'] as const;

export type OrderHistoryChannel = 'web' | 'store' | 'b2b';
export type PaymentMethod = 'card' | 'gift_card' | 'paypal';

export interface OrderHistoryRow {
  /** 1-based line of the file where the row ends (the header is line 1; most rows are one line). */
  line: number;
  orderId: string;
  customerId: string;
  channel: OrderHistoryChannel;
  placedAt: number;
  paidAt?: number;
  shippedAt?: number;
  deliveredAt?: number;
  returnedAt?: number;
  items: OrderLineSpec[];
  payments: { method: PaymentMethod; amountMinor: number }[];
  returnReason: ReturnReason;
  carrier?: string;
  trackingNumber?: string;
}

/** A row or the file that could not be read: where, which column, and what is wrong. */
export interface OrderHistoryProblem {
  line: number;
  column?: string;
  message: string;
}

export interface OrderHistory {
  rows: OrderHistoryRow[];
  problems: OrderHistoryProblem[];
}

const DECIMAL = /^\d+(\.\d{1,2})?$/;
// A timestamp with a zone; a local time without one would replay at a different hour per machine.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const PAYMENT_METHODS: readonly PaymentMethod[] = ['card', 'gift_card', 'paypal'];
/** Each stage and the stages it must not precede (the first given one must also be present). */
const STAGES = [
  ['paid_at', ['placed_at']],
  ['shipped_at', ['placed_at']],
  ['delivered_at', ['shipped_at']],
  // A carry-out store sale is returned without ever being shipped.
  ['returned_at', ['delivered_at', 'shipped_at', 'placed_at']],
] as const;

/**
 * Reads order history CSV text (with csv-parse). Bad rows are reported with their line and
 * column and left out; good rows are kept. A file without the required header columns gives
 * one problem on line 1 and no rows.
 *
 * @example
 * const { rows, problems } = readOrderHistory(await readFile('orders.csv', 'utf8'));
 * for (const p of problems) console.error(`line ${p.line}, ${p.column}: ${p.message}`);
 */
export function readOrderHistory(text: string): OrderHistory {
  const problems: OrderHistoryProblem[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) problems.push({ line: Number((error as CsvError & { lines?: number }).lines ?? 0), message: `the row is not valid CSV: ${error.message}` });
        return undefined;
      },
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    return { rows: [], problems: [{ line: 1, message: `the file is not valid CSV: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const header = records[0] ? Object.keys(records[0].record) : headerOf(text);
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    return { rows: [], problems: [{ line: 1, message: `the header lacks the required column(s) ${missing.join(', ')}; expected ${ORDER_HISTORY_COLUMNS.join(',')}` }] };
  }
  const rows: OrderHistoryRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const rowProblems: OrderHistoryProblem[] = [];
    const row = readRow(record, line, rowProblems);
    const firstLine = row ? seen.get(row.orderId) : undefined;
    if (row && firstLine !== undefined) rowProblems.push({ line, column: 'order_id', message: `order ${row.orderId} appears again (first on line ${firstLine})` });
    if (row && rowProblems.length === 0) {
      rows.push(row);
      seen.set(row.orderId, line);
    }
    problems.push(...rowProblems);
  }
  return { rows, problems: problems.sort((a, b) => a.line - b.line) };
}

function headerOf(text: string): string[] {
  return (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').split(',').map((name) => name.trim().toLowerCase());
}

function readRow(record: Record<string, string>, line: number, problems: OrderHistoryProblem[]): OrderHistoryRow | undefined {
  const problem = (column: string, message: string) => problems.push({ line, column, message });
  const value = (column: string) => (record[column] ?? '').trim();

  const orderId = value('order_id');
  if (!/^[A-Za-z0-9#._/-]{1,64}$/.test(orderId)) problem('order_id', orderId ? `"${orderId}" is not an order number (1 to 64 letters, digits, #._/-)` : 'is required');
  const customerId = value('customer_id');
  if (!customerId) problem('customer_id', 'is required');
  const channel = (value('channel') || 'web') as OrderHistoryChannel;
  if (!['web', 'store', 'b2b'].includes(channel)) problem('channel', `"${channel}" is not one of web, store, b2b`);

  const times: Record<string, number | undefined> = {};
  for (const column of ['placed_at', 'paid_at', 'shipped_at', 'delivered_at', 'returned_at']) {
    const text = value(column);
    if (!text) {
      if (column === 'placed_at') problem(column, 'is required');
      continue;
    }
    const time = TIMESTAMP.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(time)) problem(column, `"${text}" is not an ISO 8601 timestamp with a zone, e.g. 2026-11-20T09:15:00Z`);
    else times[column] = time;
  }
  for (const [stage, earlier] of STAGES) {
    const at = times[stage];
    if (at === undefined) continue;
    const before = earlier.find((column) => value(column) !== '');
    if (before === undefined) problem(stage, `is set but ${earlier[0]} is empty`);
    else if (times[before] !== undefined && at < (times[before] ?? 0)) problem(stage, `is before ${before}`);
  }

  const items = readItems(value('items'), problem);
  const payments = readPayments(value('payments'), problem);
  const reason = (value('return_reason') || ReturnReason.changedMind) as ReturnReason;
  if (!(Object.values(ReturnReason) as string[]).includes(reason)) problem('return_reason', `"${reason}" is not one of ${Object.values(ReturnReason).join(', ')}`);
  if (problems.length > 0 || times.placed_at === undefined) return undefined;
  return {
    line, orderId, customerId, channel, placedAt: times.placed_at,
    ...(times.paid_at !== undefined ? { paidAt: times.paid_at } : {}),
    ...(times.shipped_at !== undefined ? { shippedAt: times.shipped_at } : {}),
    ...(times.delivered_at !== undefined ? { deliveredAt: times.delivered_at } : {}),
    ...(times.returned_at !== undefined ? { returnedAt: times.returned_at } : {}),
    items, payments, returnReason: reason,
    ...(value('carrier') ? { carrier: value('carrier') } : {}),
    ...(value('tracking_number') ? { trackingNumber: value('tracking_number') } : {}),
  };
}

function readItems(text: string, problem: (column: string, message: string) => void): OrderLineSpec[] {
  if (!text) {
    problem('items', 'is required: at least one sku:qty:price');
    return [];
  }
  const items: OrderLineSpec[] = [];
  for (const [index, entry] of text.split(';').map((part) => part.trim()).filter(Boolean).entries()) {
    const [sku = '', quantity = '', price = '', ...rest] = entry.split(':').map((part) => part.trim());
    const where = `item ${index + 1} "${entry}"`;
    if (rest.length > 0 || !sku || !/^[1-9]\d*$/.test(quantity) || !DECIMAL.test(price)) {
      problem('items', `${where} is not sku:qty:price with a whole quantity above 0 and a price like 24.00`);
      continue;
    }
    items.push({ sku, quantity: Number(quantity), unitPrice: Number(price).toFixed(2) });
  }
  return items;
}

function readPayments(text: string, problem: (column: string, message: string) => void): OrderHistoryRow['payments'] {
  const payments: OrderHistoryRow['payments'] = [];
  for (const [index, entry] of text.split(';').map((part) => part.trim()).filter(Boolean).entries()) {
    const [method = '', amount = '', ...rest] = entry.split(':').map((part) => part.trim());
    if (rest.length > 0 || !PAYMENT_METHODS.includes(method as PaymentMethod) || !DECIMAL.test(amount)) {
      problem('payments', `payment ${index + 1} "${entry}" is not method:amount with method ${PAYMENT_METHODS.join(', ')} and an amount like 67.50`);
      continue;
    }
    payments.push({ method: method as PaymentMethod, amountMinor: Math.round(Number(amount) * 100) });
  }
  return payments;
}

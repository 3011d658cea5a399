import { userError } from '../../errors.ts';
import { money, numberField, positiveQuantity, refId } from '../fields.ts';
import type { Fields, NsRecord, RecordStore } from '../store.ts';
import { optionalReference, requireReference, tranIdOf } from './references.ts';

/**
 * Item lines of an order-like transaction (sales order, return authorization): each line names
 * a known inventory item, a positive quantity and a rate (default: the item's base price).
 * Quantities already processed downstream (fulfilled, billed, received, credited) are carried over
 * from the previous version by line number and bound how far a quantity can be lowered.
 */
export function prepareOrderLines(args: {
  store: RecordStore;
  lines: Fields[];
  previousLines: Fields[];
  processed: readonly string[];
}): Fields[] {
  if (args.lines.length === 0) throw userError('You must enter at least one line item for this transaction.', 'item');
  const usedNumbers = new Set(args.lines.map((line) => Number(line.line)).filter(Number.isInteger));
  let nextNumber = Math.max(0, ...usedNumbers, ...args.previousLines.map((line) => Number(line.line) || 0)) + 1;
  return args.lines.map((line, index) => {
    const path = `item.items[${index}]`;
    const item = requireReference({ store: args.store, fields: line, field: 'item', type: 'inventoryItem', path: `${path}.item`, label: 'Item' });
    optionalReference({ store: args.store, fields: line, field: 'location', type: 'location', path: `${path}.location`, label: 'Location' });
    const quantity = positiveQuantity(line.quantity, `${path}.quantity`);
    const basePrice = typeof item.fields.basePrice === 'number' ? item.fields.basePrice : 0;
    const rate = numberField(line.rate, { path: `${path}.rate`, label: 'Rate', fallback: basePrice });
    const lineNumber = Number.isInteger(Number(line.line)) && line.line !== undefined ? Number(line.line) : nextNumber++;
    const previous = args.previousLines.find((candidate) => Number(candidate.line) === lineNumber);
    const prepared: Fields = { ...line, line: lineNumber, item: { id: item.id }, quantity, rate, amount: money(quantity * rate) };
    for (const field of args.processed) {
      const done = Number(previous?.[field] ?? 0);
      prepared[field] = done;
      if (quantity < done) {
        throw userError(`The quantity of line ${lineNumber} cannot be lowered to ${quantity}: ${done} already processed (${field}).`, `${path}.quantity`);
      }
    }
    return prepared;
  });
}

export interface SourcedLine {
  sourceLine: Fields;
  quantity: number;
  /** The request's line as sent (location, rate...), empty when lines were defaulted. */
  given: Fields;
  path: string;
}

/**
 * Lines of a transaction created from another (fulfilment from an order, credit memo from a
 * return): each line points at a source line by `orderLine` (or by item), and its quantity may not
 * exceed what remains on that line. Without lines, every remaining quantity is taken, as NetSuite's
 * transform does.
 */
export function linesAgainstSource(args: {
  draft: Fields;
  draftLines: Fields[];
  source: NsRecord;
  sourceLines: Fields[];
  remaining: (sourceLine: Fields) => number;
  action: string;
}): SourcedLine[] {
  const sourceName = tranIdOf(args.source);
  if (args.draftLines.length === 0) {
    const defaulted = args.sourceLines
      .filter((line) => args.remaining(line) > 0)
      .map((sourceLine, index) => ({ sourceLine, quantity: args.remaining(sourceLine), given: {}, path: `item.items[${index}]` }));
    if (defaulted.length === 0) throw userError(`There is nothing left to ${args.action} on ${sourceName}.`, 'item');
    return defaulted;
  }
  const taken = new Map<Fields, number>();
  return args.draftLines.map((line, index) => {
    const path = `item.items[${index}]`;
    const sourceLine = findSourceLine(args.sourceLines, line, (candidate) => args.remaining(candidate) - (taken.get(candidate) ?? 0));
    if (!sourceLine) {
      throw userError(`Line ${index + 1} does not match a line of ${sourceName} (give orderLine or an item on it).`, `${path}.orderLine`);
    }
    const left = args.remaining(sourceLine) - (taken.get(sourceLine) ?? 0);
    const quantity = line.quantity === undefined ? left : positiveQuantity(line.quantity, `${path}.quantity`);
    if (quantity > left) {
      throw userError(
        `You cannot ${args.action} ${quantity} of line ${String(sourceLine.line)} of ${sourceName}: only ${left} remaining.`,
        `${path}.quantity`,
      );
    }
    taken.set(sourceLine, (taken.get(sourceLine) ?? 0) + quantity);
    return { sourceLine, quantity, given: line, path };
  });
}

function findSourceLine(sourceLines: Fields[], line: Fields, left: (candidate: Fields) => number): Fields | undefined {
  if (line.orderLine !== undefined) return sourceLines.find((candidate) => Number(candidate.line) === Number(line.orderLine));
  const itemId = refId(line.item);
  if (itemId === undefined) return undefined;
  const sameItem = sourceLines.filter((candidate) => refId(candidate.item) === itemId);
  return sameItem.find((candidate) => left(candidate) > 0) ?? sameItem[0];
}

/** Adds `delta` to a processed-quantity field of a source line, and marks the source modified. */
export function bumpSourceLine(store: RecordStore, args: { sourceId: string; orderLine: unknown; field: string; delta: number }): void {
  const source = store.getInFamily('transaction', args.sourceId);
  if (!source) return;
  const items = (source.fields.item as { items?: Fields[] } | undefined)?.items ?? [];
  const line = items.find((candidate) => Number(candidate.line) === Number(args.orderLine));
  if (!line) return;
  line[args.field] = Number(line[args.field] ?? 0) + args.delta;
  store.touch(source);
}

export function totalOf(lines: Fields[]): number {
  return money(lines.reduce((sum, line) => sum + Number(line.amount ?? 0), 0));
}

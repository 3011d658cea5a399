import { WmsError } from './errors.ts';
import { canonicalJson } from '../kit/index.ts';
import { IdSequence, pageAfter } from './ids.ts';
import type { CreateReturnReceipt, ReceiveReturn, ReturnCondition, ReturnReceipt } from './model.ts';
import type { StockLedger } from './stock.ts';

/** Conditions whose units go back to sellable stock; the others are quarantined. */
const RESTOCKABLE: ReadonlySet<ReturnCondition> = new Set<ReturnCondition>(['sellable', 'opened']);

/** Expected returns (by RMA number) and what the dock actually received, line by line. */
export class ReturnReceipts {
  private readonly receipts = new Map<string, ReturnReceipt>();
  private readonly byRma = new Map<string, { id: string; request: string }>();
  private readonly ids = new IdSequence('rr');

  constructor(
    private readonly stock: StockLedger,
    private readonly clock: () => number,
  ) {}

  /** Announces an expected return; idempotent by RMA number like order creation. */
  expect(input: CreateReturnReceipt): { receipt: ReturnReceipt; created: boolean } {
    const request = canonicalJson(input);
    const existing = this.byRma.get(input.rmaNumber);
    if (existing) {
      if (existing.request !== request) {
        throw new WmsError(
          409,
          'rma_number_conflict',
          `A different return receipt already exists for RMA ${input.rmaNumber} (${existing.id}).`,
          'rmaNumber',
        );
      }
      return { receipt: this.get(existing.id), created: false };
    }
    const now = this.now();
    const receipt: ReturnReceipt = {
      id: this.ids.take(),
      rmaNumber: input.rmaNumber,
      externalOrderId: input.externalOrderId ?? null,
      status: 'expected',
      lines: mergeBySku(input.lines).map((line) => ({
        sku: line.sku,
        quantityExpected: line.quantity,
        quantityReceived: 0,
        received: [],
      })),
      createdAt: now,
      updatedAt: now,
    };
    this.receipts.set(receipt.id, receipt);
    this.byRma.set(input.rmaNumber, { id: receipt.id, request });
    return { receipt, created: true };
  }

  /**
   * Records units received against the expected lines, each with its condition: sellable and
   * opened units go back on hand, damaged and defective ones into quarantine. Receiving a SKU
   * that was not expected, or more than expected, is refused (422) and nothing is recorded.
   */
  receive(id: string, input: ReceiveReturn): ReturnReceipt {
    const current = this.get(id);
    if (current.status === 'received') {
      throw new WmsError(422, 'already_received', `Return receipt ${id} is fully received.`);
    }
    const lines = current.lines.map((line) => ({ ...line, received: [...line.received] }));
    const now = this.now();
    for (const [index, incoming] of input.lines.entries()) {
      const line = lines.find((candidate) => candidate.sku === incoming.sku);
      if (!line) {
        throw new WmsError(
          422,
          'sku_not_expected',
          `SKU ${incoming.sku} is not expected on RMA ${current.rmaNumber}.`,
          `lines.${index}.sku`,
        );
      }
      if (line.quantityReceived + incoming.quantity > line.quantityExpected) {
        throw new WmsError(
          422,
          'quantity_exceeds_expected',
          `Receiving ${incoming.quantity} of SKU ${incoming.sku} would exceed the ${line.quantityExpected} expected (${line.quantityReceived} already received).`,
          `lines.${index}.quantity`,
        );
      }
      line.quantityReceived += incoming.quantity;
      line.received.push({
        quantity: incoming.quantity,
        condition: incoming.condition,
        ...(incoming.note ? { note: incoming.note } : {}),
        receivedAt: now,
      });
    }
    // Validated as a whole before stock moves, so a refused receipt changes nothing.
    for (const incoming of input.lines) {
      if (RESTOCKABLE.has(incoming.condition)) this.stock.restock(incoming.sku, incoming.quantity);
      else this.stock.quarantine(incoming.sku, incoming.quantity);
    }
    const complete = lines.every((line) => line.quantityReceived >= line.quantityExpected);
    const receipt: ReturnReceipt = { ...current, lines, status: complete ? 'received' : 'partially_received', updatedAt: now };
    this.receipts.set(id, receipt);
    return receipt;
  }

  get(id: string): ReturnReceipt {
    const receipt = this.receipts.get(id);
    if (!receipt) throw new WmsError(404, 'not_found', `No return receipt ${id}.`);
    return receipt;
  }

  list(options: { limit: number; cursor?: string }) {
    const page = pageAfter([...this.receipts.values()], options);
    if (!page) throw new WmsError(400, 'invalid_cursor', 'The cursor is not valid for this list.', 'cursor');
    return page;
  }

  snapshot(): ReturnReceipt[] {
    return [...this.receipts.values()];
  }

  reset(): void {
    this.receipts.clear();
    this.byRma.clear();
    this.ids.reset();
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }
}

function mergeBySku(lines: { sku: string; quantity: number }[]): { sku: string; quantity: number }[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

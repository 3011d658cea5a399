import { WmsError } from './errors.ts';
import { IdSequence } from './ids.ts';
import type { CreateStockAdjustment, StockAdjustment, StockLevel } from './model.ts';

/** On-hand and quarantined units per SKU, with the adjustment history. */
export class StockLedger {
  private readonly levels = new Map<string, StockLevel>();
  private readonly adjustments: StockAdjustment[] = [];
  private readonly ids = new IdSequence('adj');

  constructor(
    private readonly clock: () => number,
    private readonly initial: Record<string, number> = {},
  ) {
    this.reset();
  }

  level(sku: string): StockLevel {
    return this.levels.get(sku) ?? { sku, onHand: 0, quarantined: 0, updatedAt: new Date(this.clock()).toISOString() };
  }

  list(skus?: string[]): StockLevel[] {
    const all = [...this.levels.values()].sort((a, b) => (a.sku < b.sku ? -1 : 1));
    return skus ? all.filter((level) => skus.includes(level.sku)) : all;
  }

  /** A manual adjustment (count, damage, receipt…); on-hand never goes below zero. */
  adjust(input: CreateStockAdjustment): StockAdjustment {
    if (input.quantity === 0) throw new WmsError(400, 'validation_error', 'quantity must not be 0.', 'quantity');
    const current = this.level(input.sku);
    const onHandAfter = current.onHand + input.quantity;
    if (onHandAfter < 0) {
      throw new WmsError(
        422,
        'insufficient_stock',
        `Cannot remove ${-input.quantity} of SKU ${input.sku}: ${current.onHand} on hand.`,
        'quantity',
      );
    }
    this.set(input.sku, { onHand: onHandAfter });
    const adjustment: StockAdjustment = {
      id: this.ids.take(),
      sku: input.sku,
      quantity: input.quantity,
      reason: input.reason,
      note: input.note ?? null,
      onHandAfter,
      createdAt: new Date(this.clock()).toISOString(),
    };
    this.adjustments.push(adjustment);
    return adjustment;
  }

  /** Throws 422 unless every line is on hand (checked before a shipment is recorded). */
  assertAvailable(lines: { sku: string; quantity: number }[]): void {
    for (const [index, line] of lines.entries()) {
      const onHand = this.level(line.sku).onHand;
      if (onHand < line.quantity) {
        throw new WmsError(
          422,
          'insufficient_stock',
          `Cannot ship ${line.quantity} of SKU ${line.sku}: ${onHand} on hand.`,
          `lines.${index}.quantity`,
        );
      }
    }
  }

  ship(lines: { sku: string; quantity: number }[]): void {
    for (const line of lines) this.set(line.sku, { onHand: this.level(line.sku).onHand - line.quantity });
  }

  restock(sku: string, quantity: number): void {
    this.set(sku, { onHand: this.level(sku).onHand + quantity });
  }

  quarantine(sku: string, quantity: number): void {
    this.set(sku, { quarantined: this.level(sku).quarantined + quantity });
  }

  snapshot(): { levels: StockLevel[]; adjustments: StockAdjustment[] } {
    return { levels: this.list(), adjustments: [...this.adjustments] };
  }

  reset(): void {
    this.levels.clear();
    this.adjustments.length = 0;
    this.ids.reset();
    for (const [sku, onHand] of Object.entries(this.initial)) this.set(sku, { onHand });
  }

  private set(sku: string, change: Partial<Pick<StockLevel, 'onHand' | 'quarantined'>>): void {
    this.levels.set(sku, { ...this.level(sku), ...change, updatedAt: new Date(this.clock()).toISOString() });
  }
}

import { describe, expect, it } from 'vitest';
import type { Return } from '../../canonical/return.ts';
import { creditableLines, receivedLines } from './receipt.ts';

const line = (orderLineNumber: number, sku: string, quantity: number): Return['lines'][number] => ({ orderLineNumber, sku, quantity, reason: 'damaged', unitPrice: '10.00' });
const batch = (sku: string, quantity: number, condition: Return['lines'][number]['condition']): Return['lines'][number] => ({ orderLineNumber: 1, sku, quantity, reason: 'other', ...(condition && { condition }) });

describe('what the warehouse received against an RMA', () => {
  it('keeps the authorized lines (number, reason, price), one per condition found, never above the quantity authorized', () => {
    const authorized = [line(2, 'SOCK', 2), line(3, 'CAP', 1)];
    const received = receivedLines(authorized, { lines: [batch('SOCK', 1, 'sellable'), batch('SOCK', 2, 'damaged'), batch('HAT', 1, 'sellable')] });
    expect(received).toEqual([
      { orderLineNumber: 2, sku: 'SOCK', quantity: 1, reason: 'damaged', unitPrice: '10.00', condition: 'sellable' },
      { orderLineNumber: 2, sku: 'SOCK', quantity: 1, reason: 'damaged', unitPrice: '10.00', condition: 'damaged' },
    ]);
  });

  it('shares a batch between two authorized lines of the same SKU without counting it twice', () => {
    const received = receivedLines([line(1, 'SOCK', 1), line(2, 'SOCK', 1)], { lines: [batch('SOCK', 1, 'opened')] });
    expect(received.map((entry) => [entry.orderLineNumber, entry.quantity])).toEqual([[1, 1]]);
  });

  it('credits lines in a condition taken back, and lines without a stated condition', () => {
    const lines = [{ ...line(1, 'A', 1), condition: 'missing-parts' as const }, { ...line(2, 'B', 1), condition: 'opened' as const }, line(3, 'C', 1)];
    expect(creditableLines(lines, ['sellable', 'opened']).map((entry) => entry.sku)).toEqual(['B', 'C']);
  });
});

import { describe, expect, it } from 'vitest';
import { sampleCase, sampleRefund } from '../../canonical/fixtures.ts';
import { flowSettings } from '../settings.ts';
import { HUB_REFUND_NOTE, returnRequestFromCase, rmaNumberFor, storefrontReturnLines, storefrontReturnOf } from './recognise.ts';

const pattern = new RegExp(flowSettings().returns.caseSubjectPattern, 'i');
const supportCase = (subject: string, description?: string, status: 'new' | 'open' | 'closed' = 'new') =>
  sampleCase({ caseNumber: 'CASE-1', subject, status, openedAt: '2026-12-01T09:00:00Z', customerId: 'CUST-0001', ...(description !== undefined && { description }) });

describe('recognising a return request in a service case', () => {
  it('reads the order from the subject and quantity, reason, condition and item from the description', () => {
    // As the traffic generator's service-return-case writes it.
    expect(returnRequestFromCase(supportCase('Return request for order WEB-000012-run7', 'Customer wants to return 2 unit(s); reason: does-not-fit.'), pattern)).toEqual({
      caseNumber: 'CASE-1',
      orderNumber: 'WEB-000012-run7',
      customerId: 'CUST-0001',
      requestedAt: '2026-12-01T09:00:00Z',
      quantity: 2,
      reason: 'size-or-fit',
    });
    expect(returnRequestFromCase(supportCase('Please RETURN items of order #SHOP-1001', 'sku: TRAIL-TEE-M-BLK, line 2, condition: unopened. Reason: wrong item'), pattern)).toMatchObject({
      orderNumber: 'SHOP-1001',
      quantity: 1,
      sku: 'TRAIL-TEE-M-BLK',
      orderLineNumber: 2,
      condition: 'sellable',
      reason: 'wrong-item',
    });
  });

  it('is not a return request when the subject does not say so, or the case is closed', () => {
    expect(returnRequestFromCase(supportCase('Where is my order WEB-1?'), pattern)).toBeUndefined();
    expect(returnRequestFromCase(supportCase('Return request for order WEB-1', undefined, 'closed'), pattern)).toBeUndefined();
  });

  it('keeps an unknown reason as other and drops an unknown condition word', () => {
    expect(returnRequestFromCase(supportCase('Return request for order WEB-1', 'reason: the colour. condition: meh'), pattern)).toMatchObject({ reason: 'other' });
    expect(returnRequestFromCase(supportCase('Return request for order WEB-1', 'condition: meh'), pattern)).not.toHaveProperty('condition');
  });
});

describe('RMA numbers', () => {
  it('are derived from the case or the storefront refund, and stay short enough for the ERP suffixes', () => {
    expect(rmaNumberFor({ caseNumber: 'CASE-WEB-1-5' })).toBe('RMA-CASE-WEB-1-5');
    expect(rmaNumberFor({ refundHubId: 'shopify-refund-9001' })).toBe('RMA-SR-9001');
    const long = rmaNumberFor({ caseNumber: 'X'.repeat(80) });
    expect(long).toMatch(/^RMA-[0-9A-F]{20}$/);
    expect(rmaNumberFor({ caseNumber: 'X'.repeat(80) })).toBe(long);
  });
});

describe('storefront refunds of goods', () => {
  const refund = (overrides: Parameters<typeof sampleRefund>[0] = {}) =>
    sampleRefund({ hubId: 'shopify-refund-9001', orderNumber: 'SHOP-1001', status: 'issued', reason: 'Return: damaged', currency: 'USD', lines: [{ orderLineNumber: 1, sku: 'CANVAS-CAP-NVY', quantity: 2, amount: '39.00' }], ...overrides });

  it('are storefront returns when they list lines and the hub did not ask for them', () => {
    expect(storefrontReturnOf(refund())).toMatchObject({ orderNumber: 'SHOP-1001' });
    expect(storefrontReturnOf(refund({ lines: [] }))).toBeUndefined();
    expect(storefrontReturnOf(refund({ reason: `${HUB_REFUND_NOTE} RMA-1` }))).toBeUndefined();
    expect(storefrontReturnOf(refund({ status: 'failed' }))).toBeUndefined();
  });

  it('become return lines priced at what the storefront refunded per unit, with the reason of its note', () => {
    expect(storefrontReturnLines(storefrontReturnOf(refund())!, 'USD')).toEqual([{ orderLineNumber: 1, sku: 'CANVAS-CAP-NVY', quantity: 2, unitPrice: '19.50', reason: 'damaged' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseFormBody } from './form.ts';

describe('parseFormBody', () => {
  it('keeps OAuth token requests flat', () => {
    expect(parseFormBody('grant_type=client_credentials&client_id=abc&client_secret=s%3Dcret')).toEqual({
      grant_type: 'client_credentials',
      client_id: 'abc',
      client_secret: 's=cret',
    });
  });

  it('nests Stripe bracket keys and turns indexed keys into arrays', () => {
    const raw = 'amount=2000&metadata[order]=123&metadata[channel]=web&expand[0]=charges&expand[1]=customer&tags[]=a&tags[]=b';
    expect(parseFormBody(raw)).toEqual({
      amount: '2000',
      metadata: { order: '123', channel: 'web' },
      expand: ['charges', 'customer'],
      tags: ['a', 'b'],
    });
  });

  it('decodes percent-encoded brackets and nested arrays of objects', () => {
    expect(parseFormBody('items%5B0%5D%5Bsku%5D=A&items%5B0%5D%5Bqty%5D=2')).toEqual({ items: [{ sku: 'A', qty: '2' }] });
  });
});

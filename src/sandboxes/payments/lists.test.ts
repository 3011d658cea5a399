import { describe, expect, it } from 'vitest';
import { StripeApiError } from './errors.ts';
import { listPage } from './lists.ts';

const items = ['re_5', 're_4', 're_3', 're_2', 're_1'].map((id) => ({ id }));

describe('listPage', () => {
  it('pages forward with starting_after and backward with ending_before', () => {
    expect(listPage(items, { limit: '2' }, '/v1/refunds')).toEqual({
      object: 'list',
      data: [{ id: 're_5' }, { id: 're_4' }],
      has_more: true,
      url: '/v1/refunds',
    });
    expect(listPage(items, { limit: '2', starting_after: 're_2' }, '/v1/refunds')).toMatchObject({
      data: [{ id: 're_1' }],
      has_more: false,
    });
    expect(listPage(items, { limit: '2', ending_before: 're_2' }, '/v1/refunds')).toMatchObject({
      data: [{ id: 're_4' }, { id: 're_3' }],
      has_more: true,
    });
  });

  it('defaults to 10 and refuses a limit outside 1..100 or an unknown cursor', () => {
    expect(listPage(items, {}, '/v1/refunds').data).toHaveLength(5);
    expect(() => listPage(items, { limit: '101' }, '/v1/refunds')).toThrow(StripeApiError);
    expect(() => listPage(items, { starting_after: 're_9' }, '/v1/refunds')).toThrow(/No such object/);
  });
});

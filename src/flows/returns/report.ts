import type { RecordStore } from '../../ports/storage.ts';
import { RecordEntity } from '../reference/records.ts';
import type { ReturnRecord } from './record.ts';

const PAGE = 500;

/**
 * The demo report's return counts, from the returns read model: every request, and how many
 * reached each milestone (a refunded return was authorized and received before).
 */
export async function returnsReport(records: RecordStore): Promise<Record<string, number>> {
  const counts = { 'returns.requested': 0, 'returns.authorized': 0, 'returns.received': 0, 'returns.refunded': 0, 'returns.rejected': 0, 'returns.expired': 0 };
  let afterKey: string | undefined;
  for (;;) {
    const page = await records.list<ReturnRecord>(RecordEntity.return, { limit: PAGE, ...(afterKey !== undefined && { afterKey }) });
    for (const { data } of page) {
      counts['returns.requested'] += 1;
      if (data.reached.authorized !== undefined) counts['returns.authorized'] += 1;
      if (data.reached.received !== undefined) counts['returns.received'] += 1;
      if (data.reached.refunded !== undefined) counts['returns.refunded'] += 1;
      if (data.reached.rejected !== undefined) counts['returns.rejected'] += 1;
      if (data.reached.expired !== undefined) counts['returns.expired'] += 1;
    }
    if (page.length < PAGE) return counts;
    afterKey = page[page.length - 1]!.key;
  }
}

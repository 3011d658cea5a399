import type { FastifyRequest } from 'fastify';
import type { AccountGovernance } from '../governance.ts';
import type { RecordService } from '../records/service.ts';

/** What the REST routes of one sandboxed account share. */
export interface AccountContext {
  accountId: string;
  records: RecordService;
  governance: AccountGovernance;
  clock: () => number;
  /** Base URL used in links and Location headers. */
  baseUrl(request: FastifyRequest): string;
}

/** Limit/offset of collection paging; SuiteQL and record lists serve at most 1,000 rows a page. */
export const MAX_PAGE_SIZE = 1000;

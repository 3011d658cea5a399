import type { Session } from '../auth/sessions.ts';
import type { SalesforceOrg } from '../org.ts';

/** One authenticated call under `/services/data/vXX.X/` (or a Composite subrequest). */
export interface RestCall {
  org: SalesforceOrg;
  session: Session;
  method: string;
  /** API version without the "v", e.g. "62.0". */
  version: string;
  /** Path segments after `/services/data/vXX.X/`, URL-decoded. */
  path: string[];
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | undefined>;
  now: number;
  /** True inside a Composite request whose allOrNone is true (overrides nested collections). */
  forceAllOrNone?: boolean;
}

export interface RestResult {
  status: number;
  /** JSON body, or the text itself when `contentType` is set (Bulk API CSV results). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export type RestDispatcher = (call: RestCall) => RestResult;

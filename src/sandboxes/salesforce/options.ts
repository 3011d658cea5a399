import type { FaultConfig } from '../kit/index.ts';
import type { Edition } from './limits/api-allocation.ts';

/** A connected app configured in the sandbox org. */
export interface ConnectedAppConfig {
  /** Consumer key (the JWT `iss`, the client credentials `client_id`). */
  clientId: string;
  /** Consumer secret, required by the client credentials flow. */
  clientSecret?: string;
  /** The app's digital certificate (PEM X.509 certificate or PEM public key) for JWT bearer. */
  certificate?: string;
  /** "Run As" user of the client credentials flow; the flow is disabled without one. */
  clientCredentialsUser?: string;
  /** Users pre-authorized for the JWT bearer flow (admin-approved). Default: every org user. */
  preAuthorizedUsers?: string[];
}

export interface SalesforceSandboxOptions {
  port?: number;
  host?: string;
  seed?: number;
  faults?: FaultConfig;
  /** Injectable clock (ms since epoch) for session expiry, date literals and the rolling window. */
  clock?: () => number;
  /** Org id (18 characters, prefix 00D). */
  orgId?: string;
  /** Usernames of the org's users. Default: `integration@crossdock.example`. */
  users?: string[];
  /** Connected apps. Default: one app `crossdock-sandbox` / `crossdock-sandbox-secret` run as the first user. */
  connectedApps?: ConnectedAppConfig[];
  /** Session timeout (inactivity). Default 2 hours, the Salesforce default. */
  sessionTimeoutMs?: number;
  /** Edition and licenses that set the daily API allocation. Default Enterprise with 20 licenses. */
  edition?: Edition;
  licenses?: number;
  /** Overrides the computed daily allocation (tests lower it to reach REQUEST_LIMIT_EXCEEDED). */
  dailyApiRequestLimit?: number;
  /** Records per query page. Default 2,000, the REST API default and maximum. */
  queryBatchSize?: number;
  /** Probability (0..1) per record write of failing with UNABLE_TO_LOCK_ROW. Default 0. */
  lockContentionRate?: number;
  /** Supported API versions. Default 31.0 (Summer '14, the oldest still served) through 68.0 (Winter '27). */
  minApiVersion?: number;
  maxApiVersion?: number;
}

export const DEFAULT_CLIENT_ID = 'crossdock-sandbox';
export const DEFAULT_CLIENT_SECRET = 'crossdock-sandbox-secret';
export const DEFAULT_USERNAME = 'integration@crossdock.example';
/** https://help.salesforce.com/s/articleView?id=sf.admin_sessions.htm (default timeout 2 hours) */
export const DEFAULT_SESSION_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** Query batch default and maximum: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm */
export const DEFAULT_QUERY_BATCH_SIZE = 2000;
export const MIN_QUERY_BATCH_SIZE = 200;

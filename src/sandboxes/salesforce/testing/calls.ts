import { SalesforceOrg } from '../org.ts';
import type { SalesforceSandboxOptions } from '../options.ts';
import { routeRestCall } from '../rest/router.ts';
import type { RestResult } from '../rest/types.ts';

/** Calls the REST layer of an in-memory org directly (no HTTP), the way the server does; for tests. */
export function restClient(options: SalesforceSandboxOptions = {}) {
  const org = new SalesforceOrg(options);
  const user = org.users[0];
  if (!user) throw new Error('the org has no user');
  const session = org.sessions.issue({ username: user.username, userId: user.userId, clientId: 'test', now: org.clock() });
  const call = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): RestResult => {
    const [pathname = '', search = ''] = url.split('?');
    const match = /^\/services\/data\/v(\d+\.\d)\/?(.*)$/.exec(pathname);
    if (!match) throw new Error(`not a REST URL: ${url}`);
    const path = (match[2] ?? '').split('/').filter((segment) => segment !== '').map(decodeURIComponent);
    const result = routeRestCall({
      org,
      session,
      method,
      version: match[1] as string,
      path,
      query: Object.fromEntries(new URLSearchParams(search)),
      body,
      headers,
      now: org.clock(),
    });
    org.store.commit();
    return result;
  };
  return { org, call };
}

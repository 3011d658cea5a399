import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Signs a JWT bearer assertion (RS256) the way a Salesforce client does; for tests. */
export function signAssertion(args: { privateKey: KeyObject | string; iss: string; sub: string; aud: string; exp: number; alg?: string }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${encode({ alg: args.alg ?? 'RS256' })}.${encode({ iss: args.iss, sub: args.sub, aud: args.aud, exp: args.exp })}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), args.privateKey).toString('base64url')}`;
}

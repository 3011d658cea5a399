/**
 * Syntax checks for the CloudEvents type system's string-encoded types: URI and URI-reference
 * (RFC 3986), Timestamp (RFC 3339), Binary (base64, RFC 4648) and media types (RFC 2046 as
 * written in HTTP, RFC 9110 section 8.3.1). Pure functions, no dependencies.
 */

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
// Characters allowed anywhere in a URI-reference, '%' excluded (checked with its two hex digits).
const URI_CHARACTER = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/;
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}/;
const REG_NAME_OR_USERINFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$/;
const IP_LITERAL = /^\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]$/;

interface UriParts {
  scheme: string | undefined;
}

/** Splits a URI-reference per RFC 3986 section 4.1; undefined when it is not one. */
function parseUriReference(value: string): UriParts | undefined {
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '%') {
      if (!PERCENT_ESCAPE.test(value.slice(i, i + 3))) return undefined;
      i += 2;
    } else if (!URI_CHARACTER.test(char)) {
      return undefined;
    }
  }
  const hash = value.indexOf('#');
  const beforeFragment = hash === -1 ? value : value.slice(0, hash);
  const fragment = hash === -1 ? '' : value.slice(hash + 1);
  if (/[#[\]]/.test(fragment)) return undefined;
  const question = beforeFragment.indexOf('?');
  const hierarchical = question === -1 ? beforeFragment : beforeFragment.slice(0, question);
  if (question !== -1 && /[[\]]/.test(beforeFragment.slice(question + 1))) return undefined;

  let scheme: string | undefined;
  let rest = hierarchical;
  const colon = hierarchical.indexOf(':');
  const slash = hierarchical.indexOf('/');
  if (colon !== -1 && (slash === -1 || colon < slash)) {
    // A colon in the first segment makes it a scheme; a relative reference cannot have one there.
    scheme = hierarchical.slice(0, colon);
    if (!SCHEME.test(scheme)) return undefined;
    rest = hierarchical.slice(colon + 1);
  }
  let path = rest;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, end);
    path = end === -1 ? '' : rest.slice(end);
    if (!isAuthority(authority)) return undefined;
  }
  if (/[[\]]/.test(path)) return undefined;
  return { scheme };
}

function isAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  if (!REG_NAME_OR_USERINFO.test(userinfo)) return false;
  let host = hostPort;
  let port = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return false;
    host = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return false;
    port = after.slice(1);
    if (!IP_LITERAL.test(host)) return false;
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon !== -1) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
    }
    if (host.includes(':') || !REG_NAME_OR_USERINFO.test(host)) return false;
  }
  return /^[0-9]*$/.test(port);
}

/** RFC 3986 URI-reference: an absolute URI or a relative reference such as `/pos/store-0042`. */
export function isUriReference(value: string): boolean {
  return parseUriReference(value) !== undefined;
}

/** RFC 3986 URI: a URI-reference that has a scheme (`https:`, `urn:` …). */
export function isAbsoluteUri(value: string): boolean {
  return parseUriReference(value)?.scheme !== undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** RFC 3339 section 5.6 `date-time`, with the calendar checked (no 2026-02-30). */
export function isRfc3339Timestamp(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  // Second 60 is a leap second (RFC 3339 section 5.7).
  if (hour > 23 || minute > 59 || second > 60) return false;
  const offsetHour = match[7] === undefined ? 0 : Number(match[7]);
  const offsetMinute = match[8] === undefined ? 0 : Number(match[8]);
  return offsetHour <= 23 && offsetMinute <= 59;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Base64 with the standard alphabet and padding (RFC 4648 section 4); the empty string is empty binary. */
export function isBase64(value: string): boolean {
  return value.length % 4 === 0 && BASE64.test(value);
}

/** True when the string holds only characters the CloudEvents `String` type allows. */
export function hasOnlyAllowedCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return false;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return false;
    }
  }
  return true;
}

export interface MediaType {
  /** Lower-cased, e.g. `application`. */
  type: string;
  /** Lower-cased, e.g. `cloudevents+json`. */
  subtype: string;
  /** Parameter names lower-cased; values as sent, quotes removed. */
  parameters: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses `type/subtype *( OWS ";" OWS [ name=value ] )` (RFC 9110 section 8.3.1); undefined when malformed. */
export function parseMediaType(value: string): MediaType | undefined {
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  const slash = essence.indexOf('/');
  if (slash === -1) return undefined;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  const parameters: Record<string, string> = {};
  let rest = semicolon === -1 ? '' : value.slice(semicolon + 1);
  while (rest.length > 0) {
    rest = rest.replace(/^[ \t]+/, '');
    if (rest.startsWith(';')) {
      rest = rest.slice(1);
      continue;
    }
    if (rest.length === 0) break;
    const equals = rest.indexOf('=');
    if (equals === -1) return undefined;
    const name = rest.slice(0, equals);
    if (!TOKEN.test(name)) return undefined;
    rest = rest.slice(equals + 1);
    let parameterValue: string;
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!quoted) return undefined;
      parameterValue = quoted[1]!.replace(/\\(.)/g, '$1');
      rest = rest.slice(quoted[0].length);
    } else {
      const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/.exec(rest);
      if (!token) return undefined;
      parameterValue = token[0];
      rest = rest.slice(token[0].length);
    }
    rest = rest.replace(/^[ \t]+/, '');
    if (rest.length > 0 && !rest.startsWith(';')) return undefined;
    parameters[name.toLowerCase()] = parameterValue;
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), parameters };
}

/** `*\/json` or `*\/*+json`: the JSON format's test for JSON-formatted data (json-format.md 3.1.1). */
export function isJsonMediaType(mediaType: MediaType): boolean {
  return mediaType.subtype === 'json' || mediaType.subtype.endsWith('+json');
}

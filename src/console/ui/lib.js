/* global fetch, URLSearchParams, setInterval, clearInterval */
// Shared by every page: the Preact + htm binding, the API client and formatting helpers.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

let csrfToken = '';
let onUnauthorized = () => {};

export function setSession(session) {
  csrfToken = session ? session.csrfToken : '';
}

export function whenLoggedOut(callback) {
  onUnauthorized = callback;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error.message : `request failed with HTTP ${status}`);
    this.status = status;
    this.code = body && body.error ? body.error.code : undefined;
    this.body = body;
  }
}

/** Calls the console API; POSTs carry the CSRF token. A 401 sends the user back to the login. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['x-crossdock-csrf'] = csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
  }
  const response = await fetch(`/api/console/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== 'login') onUnauthorized();
  if (!response.ok && response.status !== 409) throw new ApiError(response.status, parsed);
  return parsed;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  return search.toString();
}

export function age(ms) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.round(m / 6) / 10;
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : age(ms);
}

export function time(at) {
  return new Date(at).toLocaleString(undefined, { hour12: false });
}

export function number(value) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString();
}

/** Re-runs `load` every `ms` while the page is shown. */
export function every(ms, load) {
  load();
  const timer = setInterval(load, ms);
  return () => clearInterval(timer);
}

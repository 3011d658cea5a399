import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const UI_ROOT = fileURLToPath(new URL('./ui/', import.meta.url));

/**
 * The browser modules the UI imports by bare name, served from node_modules as they are
 * published (ES modules, no build step); index.html's import map points the names here.
 */
const VENDOR_MODULES: Readonly<Record<string, string>> = {
  'preact.mjs': 'preact',
  'preact-hooks.mjs': 'preact/hooks',
  'htm.mjs': 'htm',
};

/** CSP for the console: only its own scripts, plus the inline import map by its hash. */
export function contentSecurityPolicy(indexHtml: string): string {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(indexHtml)?.[1];
  const importMapHash = importMap === undefined ? '' : ` 'sha256-${createHash('sha256').update(importMap).digest('base64')}'`;
  return [
    "default-src 'self'",
    `script-src 'self'${importMapHash}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Serves the web UI under `/console/` (index.html, modules, CSS) and its vendored modules. */
export async function uiRoutes(app: FastifyInstance, options: { uiPrefix: string }): Promise<void> {
  const csp = contentSecurityPolicy(readFileSync(`${UI_ROOT}index.html`, 'utf8'));
  const securityHeaders = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' };

  const vendor = new Map<string, Buffer>();
  // The packages' CommonJS entries sit next to their ES module builds (`x.js` / `x.mjs`).
  const require = createRequire(import.meta.url);
  for (const [file, specifier] of Object.entries(VENDOR_MODULES)) vendor.set(file, readFileSync(require.resolve(specifier).replace(/\.js$/, '.mjs')));
  app.get<{ Params: { file: string } }>(`${options.uiPrefix}vendor/:file`, async (request, reply) => {
    const body = vendor.get(request.params.file);
    if (!body) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no vendored module ${request.params.file}` } });
    return reply.headers(securityHeaders).header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(body);
  });

  app.get(options.uiPrefix.replace(/\/$/, ''), async (_request, reply) => reply.redirect(options.uiPrefix));
  await app.register(fastifyStatic, {
    root: UI_ROOT,
    prefix: options.uiPrefix,
    decorateReply: false,
    index: ['index.html'],
    // The UI changes with the hub; a stale module next to a fresh one breaks it.
    cacheControl: false,
    setHeaders: (response) => {
      for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value);
      response.setHeader('cache-control', 'no-cache');
    },
  });
}

import type { TracingConfig } from '../config/schema.ts';
import type { TracingOptions } from './tracing.ts';

/** OTLP/HTTP's well-known local port (https://opentelemetry.io/docs/specs/otlp/#otlphttp-default-port). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
const TRACES_PATH = '/v1/traces';

/**
 * The tracing the configuration asks for, honouring the standard OpenTelemetry variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/):
 * - `observability.tracing.otlpEndpoint`, else `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as
 *   is), else `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL: `/v1/traces` is appended);
 * - on when `enabled: true` (then at `http://localhost:4318` if no endpoint is set anywhere), or
 *   when `enabled` is left out and an endpoint is set; off when `enabled: false` or
 *   `OTEL_SDK_DISABLED=true`.
 * The result goes to `startTracing`, which does nothing when it has no `otlp`.
 */
export function tracingOptionsFromConfig(config: TracingConfig | undefined, env: Readonly<Record<string, string | undefined>>): TracingOptions {
  const serviceName = config?.serviceName ?? 'crossdock';
  if (config?.enabled === false || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { serviceName };
  const endpoint = configuredEndpoint(config, env);
  if (endpoint === undefined && config?.enabled !== true) return { serviceName };
  return { serviceName, otlp: { endpoint: endpoint ?? tracesUrl(DEFAULT_OTLP_ENDPOINT) } };
}

/** A collector's base URL with the traces path; a URL already ending in it is kept. */
export function tracesUrl(base: string): string {
  const trimmed = base.trim().replace(/\/+$/, '');
  return trimmed.endsWith(TRACES_PATH) ? trimmed : `${trimmed}${TRACES_PATH}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function configuredEndpoint(config: TracingConfig | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (config?.otlpEndpoint) return tracesUrl(config.otlpEndpoint);
  const signalEndpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (signalEndpoint !== undefined) return signalEndpoint;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  return base === undefined ? undefined : tracesUrl(base);
}

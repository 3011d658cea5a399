import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.ts';
import { parseConfig } from '../config/load.ts';
import { tracingOptionsFromConfig, tracesUrl } from './tracing-config.ts';

describe('tracingOptionsFromConfig', () => {
  it('is off when nothing is configured', () => {
    expect(tracingOptionsFromConfig(undefined, {})).toEqual({ serviceName: 'crossdock' });
  });

  it('exports to the configured endpoint, with the traces path appended once', () => {
    const config = parseConfig({ text: 'observability: { tracing: { otlpEndpoint: "http://collector:4318/", serviceName: hub-eu } }', env: {} });
    expect(tracingOptionsFromConfig(config.observability?.tracing, {})).toEqual({ serviceName: 'hub-eu', otlp: { endpoint: 'http://collector:4318/v1/traces' } });
    expect(tracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });

  it('honours OTEL_EXPORTER_OTLP_ENDPOINT, and the signal-specific variable as it is', () => {
    expect(tracingOptionsFromConfig(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example:4318' }).otlp).toEqual({ endpoint: 'https://otel.example:4318/v1/traces' });
    expect(tracingOptionsFromConfig(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b:4318/custom' }).otlp).toEqual({
      endpoint: 'https://b:4318/custom',
    });
  });

  it('defaults to the local collector when enabled without an endpoint; enabled: false and OTEL_SDK_DISABLED win', () => {
    expect(tracingOptionsFromConfig({ enabled: true, serviceName: 'crossdock' }, {}).otlp).toEqual({ endpoint: 'http://localhost:4318/v1/traces' });
    expect(tracingOptionsFromConfig({ enabled: false, serviceName: 'crossdock', otlpEndpoint: 'http://c:4318' }, {}).otlp).toBeUndefined();
    expect(tracingOptionsFromConfig({ serviceName: 'crossdock' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).otlp).toBeUndefined();
  });
});

describe('the observability block of the configuration', () => {
  it('is optional: a configuration without it has no observability key', () => {
    expect(parseConfig({ text: '', env: {} }).observability).toBeUndefined();
  });

  it('names the key of a bad endpoint or an unknown setting', () => {
    const problems = (text: string) => {
      try {
        parseConfig({ text, env: {} });
      } catch (error) {
        if (error instanceof ConfigError) return error.issues;
      }
      throw new Error('expected a ConfigError');
    };
    expect(problems('observability: { tracing: { otlpEndpoint: "collector:4318" } }')).toEqual([
      { path: 'observability.tracing.otlpEndpoint', message: 'must be an http:// or https:// URL, e.g. http://127.0.0.1:4318, got "collector:4318"', line: 1 },
    ]);
    expect(problems('observability:\n  tracing:\n    enable: true\n')[0]).toMatchObject({ path: 'observability.tracing.enable', line: 3 });
  });
});

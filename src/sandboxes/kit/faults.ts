import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { drawLatencyMs } from './random.ts';
import type { FaultConfig, FaultController } from './types.ts';

const Probability = Type.Number({ minimum: 0, maximum: 1 });
const NonNegativeMs = Type.Number({ minimum: 0 });

/** Schema of `PUT /__sandbox/faults`; unknown keys are rejected so a typo is not silently ignored. */
export const FaultConfigSchema = Type.Object(
  {
    latency: Type.Optional(
      Type.Object({ p50Ms: NonNegativeMs, p99Ms: NonNegativeMs }, { additionalProperties: false }),
    ),
    errorRates: Type.Optional(
      Type.Object(
        { '500': Type.Optional(Probability), '503': Type.Optional(Probability), '429': Type.Optional(Probability) },
        { additionalProperties: false },
      ),
    ),
    downtime: Type.Optional(
      Type.Array(Type.Object({ from: Type.Number(), to: Type.Number() }, { additionalProperties: false })),
    ),
    slowRate: Type.Optional(Probability),
    slowResponseMs: Type.Optional(NonNegativeMs),
    webhooks: Type.Optional(
      Type.Object(
        {
          duplicateRate: Type.Optional(Probability),
          reorderWindow: Type.Optional(Type.Integer({ minimum: 1 })),
          delayMs: Type.Optional(NonNegativeMs),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

// Compile-time check that the schema and the published FaultConfig type agree.
const _schemaMatchesType: (config: Static<typeof FaultConfigSchema>) => FaultConfig = (config) => config;

export class InvalidFaultConfigError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`Invalid fault configuration at ${field || '(root)'}: ${detail}`);
    this.name = 'InvalidFaultConfigError';
  }
}

/** Validates a fault configuration; throws `InvalidFaultConfigError` naming the first bad key. */
export function parseFaultConfig(input: unknown): FaultConfig {
  const first = Value.Errors(FaultConfigSchema, input).First();
  if (first) {
    // An unknown key is reported on its parent object; name the key itself.
    const unknownKey = unknownKeyOf(first.schema, first.value);
    const field = unknownKey === undefined ? first.path : `${first.path}/${unknownKey}`;
    throw new InvalidFaultConfigError(field, unknownKey === undefined ? first.message : 'unknown key');
  }
  const config = input as FaultConfig;
  for (const [index, window] of (config.downtime ?? []).entries()) {
    if (window.to < window.from) throw new InvalidFaultConfigError(`/downtime/${index}/to`, 'must not be before from');
  }
  return config;
}

function unknownKeyOf(schema: unknown, value: unknown): string | undefined {
  const s = schema as { additionalProperties?: boolean; properties?: Record<string, unknown> };
  if (s.additionalProperties !== false || !s.properties || typeof value !== 'object' || value === null) return undefined;
  return Object.keys(value).find((key) => !(key in (s.properties ?? {})));
}

export function createFaultController(initial: FaultConfig = {}): FaultController {
  let current = parseFaultConfig(initial);
  return {
    get: () => current,
    set: (faults) => {
      current = parseFaultConfig(faults);
    },
  };
}

/** What the fault hook does to one request. */
export interface FaultPlan {
  /** Added latency before anything else, ms (log-normal draw plus a slow-response hold). */
  delayMs: number;
  /** Answer with this status instead of serving the request. */
  fail?: { status: 429 | 500 | 503; reason: 'injected' | 'downtime' };
}

/** Order in which the error dice are rolled; each status has its own independent roll. */
const ERROR_STATUSES = [429, 500, 503] as const;

/**
 * Decides the faults for one request from the configuration, a seeded random source and the
 * current time. Pure, so it is tested without a server.
 */
export function planFaults(config: FaultConfig, random: () => number, now: number): FaultPlan {
  if (config.downtime?.some((window) => now >= window.from && now < window.to)) {
    return { delayMs: 0, fail: { status: 503, reason: 'downtime' } };
  }
  let delayMs = config.latency ? drawLatencyMs(config.latency, random) : 0;
  if (config.slowRate && random() < config.slowRate) delayMs += config.slowResponseMs ?? 0;
  for (const status of ERROR_STATUSES) {
    const rate = config.errorRates?.[status];
    if (rate && random() < rate) return { delayMs, fail: { status, reason: 'injected' } };
  }
  return { delayMs };
}

import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { DeliveryBudget } from '../runtime/delivery/budget.ts';
import type { Connector } from './connector.ts';

/** One `systems.<role>` block of the configuration. */
export interface SystemSettings {
  connector: string;
  budget?: Partial<DeliveryBudget>;
  settings: Record<string, unknown>;
}

type Factory = (options: Record<string, unknown>) => Connector | Promise<Connector>;

/**
 * The built-in connectors, loaded on demand so an installation only pays for what it uses.
 * Each receives its `settings` as options (the settings keys are the option names, see
 * docs/connectors/<system>.md), plus `role` and `budget`.
 */
const builtIn: Record<string, () => Promise<Factory>> = {
  netsuite: async () => (await import('./netsuite/index.ts')).createNetSuiteConnector as unknown as Factory,
  salesforce: async () => (await import('./salesforce/index.ts')).createSalesforceConnector as unknown as Factory,
  shopify: async () => {
    const { createShopifyConnector } = await import('./shopify/index.ts');
    return ((options: Record<string, unknown>) => {
      // `sandboxUrl`: the Admin API client always calls https://<storeDomain>; point it elsewhere.
      const sandboxUrl = options.sandboxUrl;
      const { sandboxUrl: _ignored, ...rest } = options;
      const customFetchApi =
        typeof sandboxUrl === 'string'
          ? ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
              const from = `https://${String(options.storeDomain)}`;
              const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
              return fetch(url.startsWith(from) ? `${sandboxUrl.replace(/\/$/, '')}${url.slice(from.length)}` : url, init);
            })
          : undefined;
      return createShopifyConnector({ ...(rest as unknown as Parameters<typeof createShopifyConnector>[0]), ...(customFetchApi && { customFetchApi }) });
    }) as Factory;
  },
  wms: async () => (await import('./wms/index.ts')).createWmsConnector as unknown as Factory,
  payments: async () => (await import('./payments/index.ts')).createPaymentsConnector as unknown as Factory,
};

/** Settings a built-in connector cannot start without (the rest have defaults). */
const requiredSettings: Record<string, readonly string[]> = {
  netsuite: ['accountId', 'credentials'],
  salesforce: ['loginUrl', 'credentials'],
  shopify: ['storeDomain', 'credentials'],
  wms: ['baseUrl', 'apiKey'],
  payments: ['secretKey'],
};

/** A connector setting problem, naming the configuration key. */
export class ConnectorConfigurationError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: ${reason}`);
    this.name = 'ConnectorConfigurationError';
  }
}

/**
 * Creates the connector of one role from its configuration block: a built-in by name, or a
 * custom module (its default export, or a `createConnector` export, is the factory).
 *
 * @example
 * const erp = await createConnectorFromConfig('erp', { connector: 'netsuite', settings: { accountId: '1234567', ... } });
 */
export async function createConnectorFromConfig(role: string, system: SystemSettings, options: { baseDir?: string } = {}): Promise<Connector> {
  const key = `systems.${role}`;
  const missing = (requiredSettings[system.connector] ?? []).filter((name) => system.settings[name] === undefined || system.settings[name] === '');
  if (missing.length > 0) {
    throw new ConnectorConfigurationError(`${key}.settings.${missing[0]}`, `required by the ${system.connector} connector (also missing: ${missing.slice(1).join(', ') || 'nothing else'}); see docs/connectors/${system.connector}.md`);
  }
  const factory = await loadFactory(system.connector, key, options.baseDir ?? process.cwd());
  let connector: Connector;
  try {
    connector = await factory({ ...system.settings, role, ...(system.budget && { budget: system.budget }) });
  } catch (error) {
    throw new ConnectorConfigurationError(`${key}.settings`, `the ${system.connector} connector refused its settings: ${(error as Error).message}`);
  }
  if (connector.name !== role) {
    throw new ConnectorConfigurationError(`${key}.connector`, `the connector answers to "${connector.name}" instead of its role "${role}"`);
  }
  return connector;
}

async function loadFactory(name: string, key: string, baseDir: string): Promise<Factory> {
  const load = builtIn[name];
  if (load) return load();
  if (!/^(\.{1,2}\/|\/|@)/.test(name)) {
    throw new ConnectorConfigurationError(`${key}.connector`, `unknown connector "${name}" (built in: ${Object.keys(builtIn).join(', ')}; or a module path)`);
  }
  const specifier = name.startsWith('@') ? name : pathToFileURL(isAbsolute(name) ? name : resolve(baseDir, name)).href;
  const module = (await import(specifier)) as { default?: unknown; createConnector?: unknown };
  const factory = module.createConnector ?? module.default;
  if (typeof factory !== 'function') {
    throw new ConnectorConfigurationError(`${key}.connector`, `module ${name} exports neither createConnector nor a default factory`);
  }
  return factory as Factory;
}

export function builtInConnectorNames(): string[] {
  return Object.keys(builtIn);
}

/**
 * `crossdock/console`: the operations console (JSON API + web UI) as a Fastify plugin, its
 * users and roles, and the health-panel extension point through which flows add their
 * business checks. Internals (routes, queries, the UI's files) are deliberately not exported.
 */
export { consolePlugin, CONSOLE_API_PREFIX, CONSOLE_UI_PREFIX, type ConsoleOptions } from './plugin.ts';
export { ConsoleRole, type ConsoleUser } from './auth/roles.ts';
export { hashConsolePassword, verifyConsolePassword } from './auth/passwords.ts';
export { demoConsoleUsers, DEMO_CONSOLE_CREDENTIALS } from './auth/demo-users.ts';
export { InMemorySessionStore, type ConsoleSession, type ConsoleSessionStore } from './auth/sessions.ts';
export {
  HealthPanelRegistry,
  PanelStatus,
  waitingPastSlaPanel,
  type HealthPanel,
  type HealthPanelContext,
  type HealthPanelItem,
  type HealthPanelResult,
} from './health/panels.ts';
export { MetricsSampler, type MetricsSample, type MetricsSamplerOptions } from './metrics/sampler.ts';

import { describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';
import { bufferedIo } from '../testing.ts';

// The end-to-end path (sandbox up --write-config, then crossdock start) is in
// test/e2e/retail/sandbox-hub.integration.test.ts; these are the refusals, before anything starts.
describe('crossdock sandbox up --write-config', () => {
  it('needs --hub-url: the webhooks must point at the hub', async () => {
    const io = bufferedIo();
    expect(await runCli(['sandbox', 'up', '--fast', '--write-config', 'crossdock.yaml'], io)).toBe(1);
    expect(io.errors()).toContain('--write-config needs --hub-url');
    expect(io.output()).not.toContain('SYSTEM');
  });

  it('refuses a hub URL that is not http(s), naming the option', async () => {
    const io = bufferedIo();
    expect(await runCli(['sandbox', 'up', '--fast', '--write-config', 'crossdock.yaml', '--hub-url', 'localhost:8080'], io)).toBe(1);
    expect(io.errors()).toContain('--hub-url "localhost:8080" must start with http:// or https://');
  });

  it('refuses --database without --write-config', async () => {
    const io = bufferedIo();
    expect(await runCli(['sandbox', 'up', '--fast', '--database', 'hub.sqlite'], io)).toBe(1);
    expect(io.errors()).toContain('--database names the database of the --write-config file');
  });
});

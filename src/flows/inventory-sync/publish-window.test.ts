import { describe, expect, it } from 'vitest';
import { PublishWindow } from './publish-window.ts';

describe('PublishWindow', () => {
  it('makes every update of an open window due when it closes, per target, then opens a new one', () => {
    let now = 1_000;
    const window = new PublishWindow(500, () => now);
    expect(window.dueAt('commerce')).toBe(1_500);
    now = 1_300;
    expect(window.dueAt('commerce')).toBe(1_500);
    expect(window.dueAt('crm')).toBe(1_800);
    now = 1_500;
    expect(window.dueAt('commerce')).toBe(2_000);
  });

  it('sends at once with a window of 0', () => {
    const window = new PublishWindow(0, () => 42);
    expect(window.dueAt('commerce')).toBe(42);
  });
});

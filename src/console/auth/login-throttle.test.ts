import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('blocks a user name after maxFailures within the window, until the oldest failure leaves it', () => {
    let now = 0;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, clock: () => now });
    for (const at of [0, 10_000, 20_000]) {
      now = at;
      expect(throttle.blockedForMs('maria')).toBe(0);
      throttle.failed('maria');
    }
    expect(throttle.blockedForMs('maria')).toBe(40_000);
    expect(throttle.blockedForMs('jo')).toBe(0);
    now = 60_001;
    expect(throttle.blockedForMs('maria')).toBe(0);
  });

  it('forgets failures after a successful login', () => {
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, clock: () => 0 });
    throttle.failed('maria');
    throttle.succeeded('maria');
    throttle.failed('maria');
    expect(throttle.blockedForMs('maria')).toBe(0);
  });
});

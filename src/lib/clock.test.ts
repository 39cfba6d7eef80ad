import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';

describe('FakeClock', () => {
  it('fires timers in due order while advancing', () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const fired: string[] = [];
    clock.setTimer(200, () => fired.push('b'));
    clock.setTimer(100, () => fired.push('a'));
    const cancel = clock.setTimer(150, () => fired.push('x'));
    cancel();
    clock.advance(150);
    expect(fired).toEqual(['a']);
    clock.advance(50);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.200Z');
  });
});

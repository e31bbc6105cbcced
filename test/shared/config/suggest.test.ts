// closest: the near miss among known words (CLI flags, commands, presets, statuses), within the same edit
// distances as config fields: 0 edits for ≤ 2 letters, 1 for ≤ 5, 2 beyond; case ignored.
import { describe, expect, it } from 'vitest';
import { closest } from '../../../src/shared/config';

describe('closest', () => {
  it('finds the near miss, and nothing when every word is far', () => {
    expect(closest('--confg', ['--config', '--db', '--json'])).toBe('--config');
    expect(closest('canceled', ['finished', 'cancelled'])).toBe('cancelled');
    expect(closest('LSIT', ['list', 'show'])).toBe('list');
    expect(closest('rnu', ['run', 'runs'])).toBe('run');
    expect(closest('xy', ['xz'])).toBeNull();
    expect(closest('plot', ['run', 'series'])).toBeNull();
    // The nearest wins, the first of equals.
    expect(closest('runz', ['run', 'runs'])).toBe('run');
    expect(closest('seres', ['run', 'series'])).toBe('series');
  });
});

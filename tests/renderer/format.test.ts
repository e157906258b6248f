import { describe, expect, it } from 'vitest';
import { formatAge, formatBitrate, formatRemaining } from '../../src/renderer/src/common/format';

describe('formatRemaining (countdowns from main’s deadline)', () => {
  it.each([
    [60_000, '1:00'],
    [59_001, '1:00'],
    [59_000, '0:59'],
    [42_400, '0:43'],
    [1, '0:01'],
    [0, '0:00'],
    [-5_000, '0:00'],
    [61 * 60_000, '61:00'],
  ])('%i ms left → %s', (left, text) => {
    expect(formatRemaining(1_000_000 + left, 1_000_000)).toBe(text);
  });
});

describe('formatAge', () => {
  it.each([
    [2_000, 'just now'],
    [42_000, '42 s ago'],
    [3 * 60_000, '3 min ago'],
    [5 * 3600_000, '5 h ago'],
    [3 * 86400_000, '3 d ago'],
  ])('%i ms ago → %s', (ago, text) => {
    expect(formatAge(0, ago)).toBe(text);
  });
});

describe('formatBitrate', () => {
  it.each([
    [2_400_000, '2.4 Mbit/s'],
    [64_000, '64 kbit/s'],
    [null, '—'],
    [0, '—'],
  ])('%s → %s', (bps, text) => {
    expect(formatBitrate(bps)).toBe(text);
  });
});

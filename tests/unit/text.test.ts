import { describe, expect, it } from 'vitest';
import { cleanLabel } from '../../src/shared/text';

describe('cleanLabel', () => {
  it('caps at a character boundary, never inside a surrogate pair, and makes one line', () => {
    expect(cleanLabel(`${'a'.repeat(9)}\u{1f4f7}b`, 10)).toBe('a'.repeat(9));
    expect(cleanLabel(`x\u202e\u202ey`, 10)).toBe('xy');
    // Megabytes of text cost only the head a label can use.
    expect(cleanLabel(`x${'\u202e'.repeat(1_000_000)}y`, 10)).toBe('x');
    expect(cleanLabel('a\tb\u2028c\u0085d', 80)).toBe('a b c d');
  });
});

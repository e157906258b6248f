import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  encodeUserinfo,
  secretSpellings,
} from '../../src/main/services/streaming/redact';

const CANARY = 'c@n:ary/pä ss%word';

describe('createRedactor', () => {
  const redact = createRedactor([CANARY]);

  it.each([
    ['raw', CANARY],
    ['encodeURIComponent', encodeURIComponent(CANARY)],
    ['as written into camera URLs', encodeUserinfo(CANARY)],
  ])('removes the %s spelling of the secret', (_name, spelling) => {
    const out = redact(`Opening stream with ${spelling} now`);
    expect(out).not.toContain(spelling);
    expect(out).toContain('***');
  });

  it('removes userinfo from any URL, even with secrets it was not told about', () => {
    const out = createRedactor([])('rtsp://admin:hunter2@10.0.0.5:554/stream: 401 Unauthorized');
    expect(out).toBe('rtsp://***@10.0.0.5:554/stream: 401 Unauthorized');
  });

  it('leaves text without secrets alone', () => {
    expect(redact('Stream #0:0: Video: h264')).toBe('Stream #0:0: Video: h264');
  });

  it('has no spellings for an empty secret', () => {
    expect(secretSpellings('')).toEqual([]);
    expect(secretSpellings(undefined)).toEqual([]);
  });
});

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cachedUntilFailure,
  locateFfmpeg,
  parseFilterList,
  probeFfmpeg,
  unpackedAsarPath,
} from '../../src/main/services/streaming/ffmpeg-binary';

const dir = mkdtempSync(join(tmpdir(), 'vigil-bin-'));
const fakeFfmpeg = join(dir, 'ffmpeg');
writeFileSync(fakeFfmpeg, '#!/bin/sh\nexit 0\n');
chmodSync(fakeFfmpeg, 0o755);
const brokenFfmpeg = join(dir, 'broken-ffmpeg');
writeFileSync(brokenFfmpeg, '#!/bin/sh\necho "cannot execute: wrong architecture" >&2\nexit 126\n');
chmodSync(brokenFfmpeg, 0o755);

describe('locateFfmpeg', () => {
  it('uses FFMPEG_BIN first', () => {
    const found = locateFfmpeg({ env: { FFMPEG_BIN: fakeFfmpeg, PATH: '' }, staticPath: '/nope' });
    expect(found).toEqual({ path: fakeFfmpeg, origin: 'FFMPEG_BIN' });
  });

  it('says how to fix a FFMPEG_BIN that points nowhere', () => {
    expect(() => locateFfmpeg({ env: { FFMPEG_BIN: '/no/such/ffmpeg' } })).toThrow(
      /FFMPEG_BIN is set to "\/no\/such\/ffmpeg".*Point FFMPEG_BIN at an ffmpeg executable/,
    );
  });

  it('falls back from a missing ffmpeg-static binary to PATH', () => {
    const found = locateFfmpeg({ env: { PATH: dir }, staticPath: '/missing/ffmpeg' });
    expect(found).toEqual({ path: fakeFfmpeg, origin: 'PATH' });
  });

  it('uses the ffmpeg-static binary when it exists', () => {
    expect(locateFfmpeg({ env: { PATH: '' }, staticPath: fakeFfmpeg }).origin).toBe(
      'ffmpeg-static',
    );
  });

  it('names the fix when there is no ffmpeg at all', () => {
    expect(() => locateFfmpeg({ env: { PATH: '' }, staticPath: null })).toThrow(
      /could not find ffmpeg.*FFMPEG_BIN/,
    );
  });

  it('maps app.asar paths to app.asar.unpacked (binaries cannot run from an asar)', () => {
    expect(
      unpackedAsarPath('/opt/Vigil/resources/app.asar/node_modules/ffmpeg-static/ffmpeg'),
    ).toBe('/opt/Vigil/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg');
  });
});

describe('probeFfmpeg', () => {
  it('reports a binary that exists but does not run as a clear error', async () => {
    await expect(probeFfmpeg({ env: { FFMPEG_BIN: brokenFfmpeg } })).rejects.toThrow(
      /did not run.*FFMPEG_BIN/,
    );
  });

  it('reads the version and filters of the real ffmpeg', async () => {
    const binary = await probeFfmpeg({ env: { FFMPEG_BIN: '/usr/bin/ffmpeg' } });
    expect(binary.version).toMatch(/\d/);
    expect(binary.filters.has('testsrc2')).toBe(true);
  });
});

describe('parseFilterList', () => {
  it('reads names from ffmpeg -filters lines', () => {
    const out =
      ' T.. drawtext          V->V       Draw text on top of video frames.\n ... sine              |->A       Generate sine.\n';
    expect([...parseFilterList(out)]).toEqual(['drawtext', 'sine']);
  });
});

describe('cachedUntilFailure', () => {
  it('locates once on success, and tries again after a failure (ffmpeg installed meanwhile)', async () => {
    let calls = 0;
    let fail = true;
    const locate = cachedUntilFailure(() => {
      calls++;
      return fail
        ? Promise.reject(new Error('no ffmpeg'))
        : Promise.resolve(`found ${String(calls)}`);
    });
    await expect(locate()).rejects.toThrow('no ffmpeg');
    fail = false;
    await expect(locate()).resolves.toBe('found 2');
    await expect(locate()).resolves.toBe('found 2');
    expect(calls).toBe(2);
  });
});

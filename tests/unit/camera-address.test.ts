// What the camera dialog points out as the user types (src/shared/camera-address.ts).
import { describe, expect, it } from 'vitest';
import { hostProblem, rtspAddressKey, splitPastedUrl } from '../../src/shared/camera-address';

describe('splitPastedUrl', () => {
  it('moves user and password out of a pasted URL, decoding percent-escapes', () => {
    expect(splitPastedUrl('rtsp://admin:p%40ss@192.168.1.20:554/s1')).toEqual({
      url: 'rtsp://192.168.1.20:554/s1',
      username: 'admin',
      password: 'p@ss',
    });
  });
  it('reads an @ or / in a password typed raw, up to the last @ before the host', () => {
    expect(splitPastedUrl('rtsp://admin:p@ss@cam.local/s1')).toEqual({
      url: 'rtsp://cam.local/s1',
      username: 'admin',
      password: 'p@ss',
    });
    expect(splitPastedUrl('rtsp://admin:a/b@10.0.0.2/live')).toEqual({
      url: 'rtsp://10.0.0.2/live',
      username: 'admin',
      password: 'a/b',
    });
  });
  it('leaves URLs without credentials, an @ in the path, and non-RTSP text alone', () => {
    expect(splitPastedUrl('rtsp://10.0.0.2/live')).toBeNull();
    expect(splitPastedUrl('rtsp://10.0.0.2/user@home')).toBeNull();
    expect(splitPastedUrl('http://a:b@10.0.0.2/')).toBeNull();
    expect(splitPastedUrl('rtsp://a:b@')).toBeNull();
  });
});

describe('hostProblem', () => {
  it.each([
    '',
    '192.168.1.20',
    'cam.local',
    'my-cam',
    'fe80::1',
    '[fe80::1]',
    'http://10.0.0.2:8000/onvif',
  ])('accepts %j', (host) => expect(hostProblem(host)).toBeNull());
  it.each([
    ['192.168.1', /four numbers/],
    ['192.168.1.300', /four numbers/],
    ['192.168.1.20:8000', /ONVIF port field/],
    ['cam_1.local', /only letters, digits/],
    ['-cam.local', /not a valid host name/],
    ['cam..local', /not a valid host name/],
    ['fe80::zz', /only letters|IPv6/],
  ])('points out %j', (host, why) => expect(hostProblem(host)).toMatch(why));
});

describe('rtspAddressKey', () => {
  it('is the same for one stream written differently, and differs for another', () => {
    const key = rtspAddressKey('rtsp://Cam.Local/s1');
    expect(rtspAddressKey('rtsp://cam.local:554/s1/')).toBe(key);
    expect(rtspAddressKey('rtsp://u:p@cam.local:554/s1')).toBe(key);
    expect(rtspAddressKey('rtsp://cam.local:554/s2')).not.toBe(key);
    expect(rtspAddressKey('not a url')).toBeNull();
  });
});

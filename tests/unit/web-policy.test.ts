import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isAppUrl,
  isPermissionAllowed,
  pageOrigin,
} from '../../src/main/web/policy';

const packaged = {};
const dev = { devServerUrl: 'http://localhost:5173/' };

describe('which URLs are our pages', () => {
  it.each([
    [`${APP_ORIGIN}/index.html`, true],
    [`${APP_ORIGIN}/live.html?camera=a`, true],
    ['vigil-app://renderer.evil/index.html', false],
    ['vigil-app://other/index.html', false],
    ['vigil-stream://abc/index.m3u8', false],
    // Any file:// page, even one in a folder called out/renderer, is not ours.
    ['file:///home/u/out/renderer/index.html', false],
    ['file:///tmp/evil/out/renderer/live.html', false],
    ['http://localhost:5173/index.html', false],
    ['about:srcdoc', false],
    ['not a url', false],
  ])('packaged: %s → %s', (url, ours) => {
    expect(isAppUrl(url, packaged)).toBe(ours);
  });

  it.each([
    ['http://localhost:5173/index.html', true],
    ['http://localhost:5173/live.html?camera=a', true],
    // Prefix matching would have let these through.
    ['http://localhost:51730/index.html', false],
    ['http://localhost:5173.evil.example/index.html', false],
    ['http://localhost:5173@evil.example/index.html', false],
    ['https://localhost:5173/index.html', false],
    [`${APP_ORIGIN}/index.html`, false],
    ['file:///out/renderer/index.html', false],
  ])('dev server: %s → %s', (url, ours) => {
    expect(isAppUrl(url, dev)).toBe(ours);
  });

  it('the origin streams must name', () => {
    expect(pageOrigin(packaged)).toBe('vigil-app://renderer');
    expect(pageOrigin(dev)).toBe('http://localhost:5173');
  });
});

describe('content security policy', () => {
  it('production allows no inline script and no eval; dev allows the refresh preamble and the HMR socket only', () => {
    const prod = contentSecurityPolicy(packaged);
    const devCsp = contentSecurityPolicy(dev);
    expect(prod).toMatch(/script-src 'self'(;|$)/);
    expect(prod).not.toContain('ws://');
    expect(devCsp).toContain("script-src 'self' 'unsafe-inline'");
    expect(devCsp).toContain("connect-src 'self' vigil-stream: ws://localhost:5173");
    for (const csp of [prod, devCsp]) {
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("media-src 'self' blob: vigil-stream:");
      expect(csp).toContain("object-src 'none'");
    }
  });
});

describe('permissions', () => {
  it('fullscreen for our pages only; nothing else for anyone', () => {
    expect(isPermissionAllowed('fullscreen', `${APP_ORIGIN}/live.html`, packaged)).toBe(true);
    expect(isPermissionAllowed('fullscreen', 'https://evil.example/', packaged)).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'file:///x/out/renderer/live.html', packaged)).toBe(
      false,
    );
    for (const p of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read'])
      expect(isPermissionAllowed(p, `${APP_ORIGIN}/live.html`, packaged)).toBe(false);
  });
});

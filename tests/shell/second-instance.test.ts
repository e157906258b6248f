import { describe, expect, it } from 'vitest';
import { app, fake } from '../fakes/electron';
import { loadBuiltMain } from './load-built-main';

describe('single instance', () => {
  it('a second launch quits at once and opens no window (the first one shows its dashboard)', async () => {
    app.singleInstance = false;
    loadBuiltMain();
    app.becomeReady();
    await new Promise((resolve) => setImmediate(resolve));
    expect(app.quitCalls).toBe(1);
    expect(fake.windows()).toEqual([]);
  });
});

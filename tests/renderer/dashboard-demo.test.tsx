// The demo camera on the dashboard (issue "Streams that survive the real world" §3): adding the
// first camera hides it with a notice that says how to bring it back, and the demo card's menu
// hides it again. The dashboard talks to main's real core over the real router and schemas.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVigilCore, type VigilCore } from '../../src/main/core';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { createMemorySecretStore } from '../../src/main/services/cameras/secret-store';
import { createVigilApi } from '../../src/preload/api';
import { Dashboard } from '../../src/renderer/src/dashboard/Dashboard';
import { useDashboard } from '../../src/renderer/src/dashboard/store';
import type { EventChannel, IpcEnvelope } from '../../src/shared/ipc-contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

const initialStore = useDashboard.getState();
// Waits cost time only on failure; a fresh 2-core CI machine running other suites needed
// more than the 5 s default for one of these tests (the real core, in jsdom).
const WITHIN = { timeout: 10_000 };

describe('Dashboard › demo camera', { timeout: 30_000 }, () => {
  let dataDir: string;
  let core: VigilCore;

  /** Main's core in a fresh folder; window.vigil reaches it as a page's preload does. */
  async function startMain(): Promise<void> {
    const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
    core = createVigilCore({
      dataDir,
      tempRoot: join(dataDir, 'streams'),
      secrets: createMemorySecretStore(),
      ffmpeg: () => Promise.reject(new Error('nothing streams here')),
      broadcast: (channel, payload) => {
        const copy = structuredClone(payload);
        for (const listener of listeners.get(channel) ?? []) act(() => listener(copy));
      },
    });
    await core.init();
    const handlers = new Map<string, Listener>();
    core.register(
      createIpcRouter({
        ipcMain: {
          handle: (channel, listener) => void handlers.set(channel, listener),
          removeHandler: (channel) => void handlers.delete(channel),
        },
        isTrustedSender: () => true,
      }),
      {
        openLive: () => undefined,
        openWall: () => undefined,
        openDashboard: () => undefined,
        close: () => undefined,
        savePng: () => Promise.reject(new Error('no saving here')),
      },
      { writeText: () => undefined },
      { showItemInFolder: () => undefined },
    );
    window.vigil = createVigilApi({
      invoke: async (channel, args) =>
        (await handlers.get(channel)?.(
          { sender: { id: 1 }, senderFrame: { url: 'app://renderer/index.html' } },
          ...structuredClone(args),
        )) as IpcEnvelope<unknown>,
      subscribe: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
        return () => set.delete(listener);
      },
    });
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-demo-'));
    useDashboard.setState(initialStore, true);
    await startMain();
  });
  afterEach(async () => {
    cleanup();
    await core.shutdown();
    await rm(dataDir, { recursive: true, force: true });
  });

  const demoCard = () => screen.queryByRole('article', { name: 'Demo camera' });
  const notice = () => screen.queryByRole('status', { name: 'Demo camera hidden' });

  it('adding the first camera hides the demo camera with a notice; Show demo camera brings it back', async () => {
    render(<Dashboard />);
    await screen.findByRole('article', { name: 'Demo camera' }, WITHIN);
    expect(notice()).toBeNull();

    await act(() =>
      core.registry.add({ name: 'Front door', source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' } }),
    );
    const shown = await screen.findByRole('status', { name: 'Demo camera hidden' }, WITHIN);
    expect(shown.textContent).toMatch(/demo camera is now hidden/);
    expect(shown.textContent).toMatch(/keeps playing until you close it/);
    await screen.findByRole('article', { name: 'Front door' }, WITHIN);
    expect(demoCard()).toBeNull();

    fireEvent.click(within(shown).getByRole('button', { name: 'Show demo camera' }));
    await screen.findByRole('article', { name: 'Demo camera' }, WITHIN);
    expect(notice()).toBeNull();
    expect(core.registry.demoState()).toEqual({ mode: 'shown', notice: false });
  });

  it('the demo card’s menu hides it; a Show demo camera button stays to bring it back', async () => {
    await core.registry.add({
      name: 'Front door',
      source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' },
    });
    await core.registry.setDemo({ show: true });
    render(<Dashboard />);
    const card = await screen.findByRole('article', { name: 'Demo camera' }, WITHIN);
    fireEvent.click(within(card).getByRole('button', { name: 'More' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Hide demo camera' }));
    await expect.poll(demoCard, WITHIN).toBeNull();
    expect(notice()).toBeNull();
    expect(core.registry.demoState()).toEqual({ mode: 'hidden', notice: false });
    fireEvent.click(await screen.findByRole('button', { name: 'Show demo camera' }, WITHIN));
    await screen.findByRole('article', { name: 'Demo camera' }, WITHIN);
  });

  it('a dismissed notice stays dismissed after a restart, and the way back stays offered', async () => {
    render(<Dashboard />);
    await screen.findByRole('article', { name: 'Demo camera' }, WITHIN);
    await act(() =>
      core.registry.add({ name: 'Front door', source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' } }),
    );
    const shown = await screen.findByRole('status', { name: 'Demo camera hidden' }, WITHIN);
    fireEvent.click(within(shown).getByRole('button', { name: 'Dismiss' }));
    await expect.poll(notice, WITHIN).toBeNull();

    cleanup();
    await core.shutdown();
    useDashboard.setState(initialStore, true);
    await startMain();
    render(<Dashboard />);
    await screen.findByRole('article', { name: 'Front door' }, WITHIN);
    expect(notice()).toBeNull();
    expect(demoCard()).toBeNull();
    expect(screen.getByRole('button', { name: 'Show demo camera' })).toBeTruthy();
  });
});

// Camera walls on the dashboard (issue 12 §1): the Walls section and the wall dialog. The
// dashboard talks to main's real core (wall store, camera registry) over the real router and
// schemas; only the shell's windows are a recording stand-in.
import './dialog-stand-in';
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
import { UserFacingError } from '../../src/shared/errors';
import type { EventChannel, InvokeChannel, IpcEnvelope } from '../../src/shared/ipc-contract';
import type { Wall } from '../../src/shared/walls';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;
interface Call {
  channel: InvokeChannel;
  args: unknown[];
  envelope: IpcEnvelope<unknown>;
}

const initialStore = useDashboard.getState();
// Waits cost time only on failure; a fresh 2-core CI machine running other suites needed
// more than the 5 s default for one of these tests (the real core, in jsdom).
const WITHIN = { timeout: 10_000 };
/** The dashboard's order: the order they were added in. */
const NAMES = ['Porch', 'Garage', 'Drive', 'Shed', 'Gate'] as const;
type Name = (typeof NAMES)[number];

describe('Dashboard › walls', { timeout: 30_000 }, () => {
  let dataDir: string;
  let core: VigilCore;
  let calls: Call[];
  let opened: string[];
  let refuseOpen: string | null;
  /** Channels whose answer is replaced by this error (a store that cannot be read). */
  let failing: Map<InvokeChannel, string>;

  async function startMain(): Promise<void> {
    // This main's own records: a call still in flight when a test ends lands in its test's lists.
    const record = calls;
    const windowsOpened = opened;
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
        openWall: (wallId) => {
          if (refuseOpen) throw new UserFacingError('window-failed', refuseOpen);
          windowsOpened.push(wallId);
        },
        openDashboard: () => undefined,
        close: () => undefined,
        savePng: () => Promise.reject(new Error('no saving here')),
      },
      { writeText: () => undefined },
      { showItemInFolder: () => undefined },
    );
    window.vigil = createVigilApi({
      invoke: async (channel, args) => {
        const failure = failing.get(channel);
        const envelope = failure
          ? { ok: false as const, error: { code: 'read-failed', message: failure } }
          : ((await handlers.get(channel)?.(
              { sender: { id: 1 }, senderFrame: { url: 'app://renderer/index.html' } },
              ...structuredClone(args),
            )) as IpcEnvelope<unknown>);
        record.push({ channel, args: structuredClone(args), envelope });
        return envelope;
      },
      subscribe: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
        return () => set.delete(listener);
      },
    });
  }

  /** Five cameras, in the dashboard's order: their ids by name. */
  async function addCameras(): Promise<Record<Name, string>> {
    const ids: Partial<Record<Name, string>> = {};
    for (const [i, name] of NAMES.entries()) {
      const url = `rtsp://127.0.0.1:1/cam${String(i)}`;
      ids[name] = (await core.registry.add({ name, source: { kind: 'rtsp', url } })).id;
    }
    return ids as Record<Name, string>;
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-walls-'));
    useDashboard.setState(initialStore, true);
    calls = [];
    opened = [];
    refuseOpen = null;
    failing = new Map();
    await startMain();
  });
  afterEach(async () => {
    cleanup();
    await core.shutdown();
    await rm(dataDir, { recursive: true, force: true });
  });

  const wallsRegion = () => screen.getByRole('region', { name: 'Walls' });
  const row = (name: string) => within(wallsRegion()).queryByRole('listitem', { name });
  const sent = (channel: InvokeChannel) =>
    calls.filter((c) => c.channel === channel).map((c) => c.args);
  const toasts = () => screen.getByRole('status', { name: 'Notifications' }).textContent;
  const checkbox = (name: string) => screen.getByRole<HTMLInputElement>('checkbox', { name });
  const nameField = () => screen.getByRole<HTMLInputElement>('textbox', { name: 'Name' });

  /** The dashboard with its walls read (the section shows once the cameras are listed). */
  async function showDashboard(): Promise<void> {
    render(<Dashboard />);
    await screen.findByRole('region', { name: 'Walls' }, WITHIN);
    await expect.poll(() => useDashboard.getState().walls, WITHIN).not.toBeNull();
  }

  async function openMenuItem(wallName: string, item: string): Promise<void> {
    const r = await screen.findByRole('listitem', { name: wallName }, WITHIN);
    fireEvent.click(within(r).getByRole('button', { name: 'More' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: item }));
  }

  it('with no walls, the section says what a wall is and offers New wall…', async () => {
    await showDashboard();
    const region = wallsRegion();
    expect(within(region).getByRole('heading', { name: 'Walls' })).toBeTruthy();
    expect(region.textContent).toMatch(/A wall shows several cameras side by side in one window/);
    expect(within(region).queryByRole('list')).toBeNull();
    expect(within(region).getByRole('button', { name: 'New wall…' })).toBeTruthy();
  });

  it('New wall… sends exactly the chosen name, layout and cameras (dashboard order) and opens the wall', async () => {
    const cams = await addCameras();
    await showDashboard();
    await screen.findByRole('article', { name: 'Gate' }, WITHIN);
    fireEvent.click(screen.getByRole('button', { name: 'New wall…' }));
    const dialog = screen.getByRole('dialog', { name: 'New wall' });
    // A free name is suggested and focused, so typing replaces it.
    expect(nameField().value).toBe('Wall 1');
    expect(document.activeElement).toBe(nameField());
    expect(
      within(dialog)
        .getAllByRole('checkbox')
        .map((c) => c.closest('label')?.textContent),
    ).toEqual([...NAMES, 'Open this wall when Vigil starts']);

    fireEvent.change(nameField(), { target: { value: 'Lobby' } });
    fireEvent.click(screen.getByRole('radio', { name: /^2 × 2/ }));
    // Ticked out of order: the wall still follows the dashboard's order.
    fireEvent.click(checkbox('Drive'));
    fireEvent.click(checkbox('Porch'));
    fireEvent.click(checkbox('Open this wall when Vigil starts'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save and open' }));

    await expect.poll(() => screen.queryByRole('dialog'), WITHIN).toBeNull();
    const input = { name: 'Lobby', layout: '2x2', cameraIds: [cams.Porch, cams.Drive] };
    expect(sent('walls:add')).toEqual([[{ ...input, openAtStart: true }]]);
    const saved = core.walls.list();
    expect(saved.map((w) => w.name)).toEqual(['Lobby']);
    expect(opened).toEqual([saved[0]?.id]);
    expect(toasts()).toContain('Wall “Lobby” saved.');
    const lobby = await screen.findByRole('listitem', { name: 'Lobby' }, WITHIN);
    expect(lobby.textContent).toContain('2 × 2 · 2 cameras: Porch, Drive');
  });

  it('the next new wall is offered the first free “Wall N”; Escape cancels without saving', async () => {
    await addCameras();
    await core.walls.add({ name: 'wall 1', layout: 'fit', cameraIds: [] });
    await core.walls.add({ name: 'Wall 3', layout: 'fit', cameraIds: [] });
    await showDashboard();
    fireEvent.click(screen.getByRole('button', { name: 'New wall…' }));
    expect(nameField().value).toBe('Wall 2');
    fireEvent.keyDown(nameField(), { key: 'Escape' });
    await expect.poll(() => document.querySelector('dialog'), WITHIN).toBeNull();
    expect(sent('walls:add')).toEqual([]);
  });

  it('a full 2 × 2 disables the other cameras and says why; Fit takes them; too many for a layout is not sent', async () => {
    await addCameras();
    await showDashboard();
    await screen.findByRole('article', { name: 'Gate' }, WITHIN);
    fireEvent.click(screen.getByRole('button', { name: 'New wall…' }));
    const dialog = screen.getByRole('dialog', { name: 'New wall' });
    fireEvent.click(screen.getByRole('radio', { name: /^2 × 2/ }));
    for (const name of ['Porch', 'Garage', 'Drive', 'Shed']) fireEvent.click(checkbox(name));

    expect(checkbox('Gate').disabled).toBe(true);
    // The ticked ones can still be unticked.
    expect(['Porch', 'Garage', 'Drive', 'Shed'].filter((n) => checkbox(n).disabled)).toEqual([]);
    expect(dialog.textContent).toContain('2 × 2 shows 4 cameras: pick a larger layout for more');

    fireEvent.click(screen.getByRole('radio', { name: /^Fit/ }));
    expect(checkbox('Gate').disabled).toBe(false);
    expect(dialog.textContent).not.toContain('pick a larger layout');
    fireEvent.click(checkbox('Gate'));
    expect(checkbox('Gate').checked).toBe(true);

    // Back to 2 × 2 with five ticked: said, and Save sends nothing.
    fireEvent.click(screen.getByRole('radio', { name: /^2 × 2/ }));
    expect(dialog.textContent).toContain(
      '2 × 2 shows 4 cameras; 5 are ticked. Untick 1 or pick a larger layout.',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save and open' }));
    expect(within(dialog).getByRole('alert').textContent).toBe(
      '2 × 2 shows 4 cameras; 5 are ticked. Untick 1 or pick a larger layout.',
    );
    expect(sent('walls:add')).toEqual([]);
  });

  it('Edit… shows the wall as saved and saves through update, keeping its tile order', async () => {
    const cams = await addCameras();
    const wall = await core.walls.add({
      name: 'Yard',
      layout: '3x3',
      // Not the dashboard's order: a reorder made in the wall window.
      cameraIds: [cams.Drive, cams.Garage, cams.Porch],
      openAtStart: true,
    });
    await showDashboard();
    await openMenuItem('Yard', 'Edit…');

    const dialog = screen.getByRole('dialog', { name: 'Edit wall' });
    expect(within(dialog).getByRole('heading', { name: 'Edit Yard' })).toBeTruthy();
    expect(nameField().value).toBe('Yard');
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /^3 × 3/ }).checked).toBe(true);
    expect(NAMES.map((n) => checkbox(n).checked)).toEqual([true, true, true, false, false]);
    expect(checkbox('Open this wall when Vigil starts').checked).toBe(true);

    fireEvent.change(nameField(), { target: { value: 'Back yard' } });
    fireEvent.click(checkbox('Garage'));
    fireEvent.click(checkbox('Shed'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await expect.poll(() => screen.queryByRole('dialog'), WITHIN).toBeNull();
    expect(sent('walls:update')).toEqual([
      [
        wall.id,
        {
          name: 'Back yard',
          layout: '3x3',
          cameraIds: [cams.Drive, cams.Porch, cams.Shed],
          openAtStart: true,
        },
      ],
    ]);
    expect(sent('walls:add')).toEqual([]);
    expect(opened).toEqual([]);
    expect(toasts()).toContain('Wall “Back yard” saved.');
    const edited = await screen.findByRole('listitem', { name: 'Back yard' }, WITHIN);
    expect(edited.textContent).toContain('3 × 3 · 3 cameras: Drive, Porch, Shed');
    expect(row('Yard')).toBeNull();
  });

  it('Remove… asks first; Cancel keeps the wall, Remove removes it and its cameras stay', async () => {
    const cams = await addCameras();
    const wall = await core.walls.add({
      name: 'Lobby',
      layout: 'fit',
      cameraIds: [cams.Porch],
    });
    await showDashboard();
    await openMenuItem('Lobby', 'Remove…');
    const question = screen.getByRole('alertdialog', { name: 'Remove the wall Lobby?' });
    expect(question.textContent).toContain('Remove the wall “Lobby”? Its cameras stay.');
    fireEvent.click(within(question).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(sent('walls:remove')).toEqual([]);
    const lobby = row('Lobby');
    expect(lobby).not.toBeNull();
    expect(document.activeElement).toBe(within(lobby!).getByRole('button', { name: 'More' }));

    await openMenuItem('Lobby', 'Remove…');
    fireEvent.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove' }),
    );
    await expect.poll(() => row('Lobby'), WITHIN).toBeNull();
    expect(sent('walls:remove')).toEqual([[wall.id]]);
    expect(core.walls.list()).toEqual([]);
    expect(core.registry.list().map((c) => c.name)).toEqual(NAMES);
    expect(wallsRegion().textContent).toMatch(/A wall shows several cameras/);
  });

  it('main’s refusal is shown in the dialog, which stays open with everything as typed', async () => {
    const cams = await addCameras();
    await core.walls.add({ name: 'Lobby', layout: 'fit', cameraIds: [cams.Gate] });
    await showDashboard();
    await screen.findByRole('article', { name: 'Gate' }, WITHIN);
    fireEvent.click(screen.getByRole('button', { name: 'New wall…' }));
    const dialog = screen.getByRole('dialog', { name: 'New wall' });
    fireEvent.change(nameField(), { target: { value: 'lobby' } });
    fireEvent.click(screen.getByRole('radio', { name: /^Single/ }));
    fireEvent.click(checkbox('Shed'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save and open' }));

    const alert = await within(dialog).findByRole('alert', {}, WITHIN);
    const refusal = calls.find((c) => c.channel === 'walls:add')?.envelope;
    expect(refusal?.ok).toBe(false);
    expect(alert.textContent).toBe(refusal && !refusal.ok ? refusal.error.message : 'no refusal');
    expect(screen.getByRole('dialog', { name: 'New wall' })).toBe(dialog);
    expect(nameField().value).toBe('lobby');
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /^Single/ }).checked).toBe(true);
    expect(NAMES.map((n) => checkbox(n).checked)).toEqual([false, false, false, true, false]);
    expect(core.walls.list().map((w) => w.name)).toEqual(['Lobby']);
    expect(opened).toEqual([]);

    // Corrected, it saves.
    fireEvent.change(nameField(), { target: { value: 'Sheds' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save and open' }));
    await expect.poll(() => screen.queryByRole('dialog'), WITHIN).toBeNull();
    expect(core.walls.list().map((w) => w.name)).toEqual(['Lobby', 'Sheds']);
  });

  it('walls:changed from main updates the list: added elsewhere, renamed, a camera removed', async () => {
    const cams = await addCameras();
    await showDashboard();
    expect(row('Hall')).toBeNull();

    let wall: Wall | undefined;
    await act(async () => {
      wall = await core.walls.add({
        name: 'Hall',
        layout: '2x2',
        cameraIds: [cams.Porch, cams.Garage, cams.Drive, cams.Shed],
      });
    });
    const hall = await screen.findByRole('listitem', { name: 'Hall' }, WITHIN);
    expect(hall.textContent).toContain('2 × 2 · 4 cameras: Porch, Garage, Drive and 1 more');

    await act(() =>
      core.walls.update(wall!.id, { name: 'Corridor', layout: '2x2', cameraIds: wall!.cameraIds }),
    );
    await screen.findByRole('listitem', { name: 'Corridor' }, WITHIN);
    expect(row('Hall')).toBeNull();

    await act(() => core.registry.remove(cams.Porch));
    await expect
      .poll(() => row('Corridor')?.textContent, WITHIN)
      .toContain('2 × 2 · 3 cameras: Garage, Drive, Shed');
  });

  it('Open opens the wall’s window; a refusal is said in a toast', async () => {
    const cams = await addCameras();
    const wall = await core.walls.add({
      name: 'Lobby',
      layout: 'fit',
      cameraIds: [cams.Porch],
    });
    await showDashboard();
    const lobby = await screen.findByRole('listitem', { name: 'Lobby' }, WITHIN);
    fireEvent.click(within(lobby).getByRole('button', { name: 'Open' }));
    await expect.poll(() => opened, WITHIN).toEqual([wall.id]);

    refuseOpen = 'The wall window could not be opened. Try again.';
    fireEvent.click(within(lobby).getByRole('button', { name: 'Open' }));
    await expect.poll(toasts, WITHIN).toContain(refuseOpen);
    expect(opened).toEqual([wall.id]);
  });

  it('walls that cannot be read are said in the section; the cameras still show', async () => {
    await addCameras();
    failing.set('walls:list', 'Vigil could not read your walls (EACCES).');
    render(<Dashboard />);
    await screen.findByRole('article', { name: 'Gate' }, WITHIN);
    const alert = await within(wallsRegion()).findByRole('alert', {}, WITHIN);
    expect(alert.textContent).toBe(
      'Your walls could not be read: Vigil could not read your walls (EACCES).',
    );
  });

  it('a wall holding the hidden demo camera keeps it through an edit', async () => {
    await showDashboard();
    await screen.findByRole('article', { name: 'Demo camera' }, WITHIN);
    await act(() => core.walls.add({ name: 'Demo wall', layout: 'fit', cameraIds: ['demo'] }));
    // The first camera of one's own hides the demo camera from the dashboard.
    const cams = await act(addCameras);
    await expect
      .poll(() => screen.queryByRole('article', { name: 'Demo camera' }), WITHIN)
      .toBeNull();

    await openMenuItem('Demo wall', 'Edit…');
    expect(checkbox('Demo camera (hidden)').checked).toBe(true);
    fireEvent.click(checkbox('Gate'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await expect.poll(() => screen.queryByRole('dialog'), WITHIN).toBeNull();
    expect(sent('walls:update').at(-1)?.[1]).toEqual({
      name: 'Demo wall',
      layout: 'fit',
      cameraIds: ['demo', cams.Gate],
      openAtStart: false,
    });
  });
});

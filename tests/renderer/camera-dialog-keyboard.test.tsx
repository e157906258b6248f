import './dialog-stand-in';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVigilApi } from '../../src/preload/api';
import { CameraDialog } from '../../src/renderer/src/dashboard/CameraDialog';
import { DEFAULT_CAMERA_OPTIONS, type Camera } from '../../src/shared/cameras';
import type { InvokeChannel, IpcEnvelope } from '../../src/shared/ipc-contract';

const porch: Camera = {
  id: 'c1',
  name: 'Porch',
  source: {
    kind: 'onvif',
    host: '192.168.1.20',
    port: 80,
    profile: 'main',
    profileToken: 'p0',
    streamUrl: 'rtsp://192.168.1.20:554/main',
    snapshotUrl: null,
    videoCodec: 'h264',
  },
  options: DEFAULT_CAMERA_OPTIONS,
  username: 'admin',
  hasPassword: true,
  address: '192.168.1.20:80 (main profile)',
  rtspUrl: null,
  builtIn: false,
  hasSubStream: false,
};

/** Main's answers, one promise per call, settled by the test when it chooses. */
function installMain() {
  const calls: Array<{
    channel: InvokeChannel;
    settle: (envelope: IpcEnvelope<unknown>) => void;
  }> = [];
  window.vigil = createVigilApi({
    invoke: (channel) =>
      new Promise((settle) => {
        calls.push({ channel, settle });
      }),
    subscribe: () => () => undefined,
  });
  const answer = async (channel: InvokeChannel, envelope: IpcEnvelope<unknown>) => {
    const call = calls.find((c) => c.channel === channel);
    if (!call) throw new Error(`no pending ${channel}`);
    calls.splice(calls.indexOf(call), 1);
    await act(async () => {
      call.settle(envelope);
      await Promise.resolve();
    });
  };
  return { calls, answer };
}

/** The dashboard's part: a button that opens the dialog, which closes back into it. */
function Opener({ camera }: { camera?: Camera }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)}>Open dialog</button>
      {open ? (
        <CameraDialog {...(camera ? { camera } : {})} onClose={() => setOpen(false)} />
      ) : null}
    </>
  );
}

function openFrom(camera?: Camera): HTMLButtonElement {
  render(<Opener {...(camera ? { camera } : {})} />);
  const opener = screen.getByRole<HTMLButtonElement>('button', { name: 'Open dialog' });
  opener.focus();
  fireEvent.click(opener);
  return opener;
}

const active = () => document.activeElement;
const tab = (name: string) => screen.getByRole('tab', { name });

describe('camera dialog: a real modal, used from the keyboard', () => {
  beforeEach(() => {
    installMain();
  });
  afterEach(cleanup);

  it('is a native modal <dialog> named for what it does', () => {
    openFrom();
    const dialog = screen.getByRole<HTMLDialogElement>('dialog', { name: 'Add camera' });
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog.open).toBe(true);
    expect(screen.getByRole('heading', { name: 'Add camera' })).toBeTruthy();
  });

  it('focus moves into the first field: Search network when adding, Name when editing', () => {
    openFrom();
    expect(active()).toBe(screen.getByRole('button', { name: 'Search network' }));
    cleanup();
    openFrom(porch);
    expect(active()).toBe(screen.getByRole('textbox', { name: 'Name' }));
  });

  it('Cancel closes it and focus returns to the button that opened it', () => {
    const opener = openFrom(porch);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(active()).toBe(opener);
  });

  it('Escape closes it and focus returns to the button that opened it', async () => {
    const opener = openFrom(porch);
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Name' }), { key: 'Escape' });
    // Gone, not just closed: the dashboard was told, so the next click opens it anew.
    await waitFor(() => expect(document.querySelector('dialog')).toBeNull());
    expect(active()).toBe(opener);
    fireEvent.click(opener);
    expect(screen.getByRole('dialog', { name: 'Edit camera' })).toBeTruthy();
  });

  it('Tab from the last control wraps to the first, Shift+Tab from the first to the last', () => {
    openFrom(porch);
    const first = tab('ONVIF address');
    const last = screen.getByRole('button', { name: 'Save' });
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(active()).toBe(first);
    fireEvent.keyDown(first, { key: 'Tab', shiftKey: true });
    expect(active()).toBe(last);
  });

  it('tabs: one tab stop; arrows move and select (wrapping), Home and End go to the ends', () => {
    openFrom();
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    const selected = () => screen.getByRole('tab', { selected: true }).textContent;
    tab('Find on network').focus();
    fireEvent.keyDown(active() as Element, { key: 'ArrowRight' });
    expect(selected()).toBe('ONVIF address');
    expect(active()).toBe(tab('ONVIF address'));
    expect(screen.getAllByRole('tab').map((t) => t.tabIndex)).toEqual([-1, 0, -1]);
    fireEvent.keyDown(active() as Element, { key: 'End' });
    expect(selected()).toBe('RTSP URL');
    fireEvent.keyDown(active() as Element, { key: 'ArrowRight' });
    expect(selected()).toBe('Find on network');
    fireEvent.keyDown(active() as Element, { key: 'ArrowLeft' });
    expect(selected()).toBe('RTSP URL');
    fireEvent.keyDown(active() as Element, { key: 'Home' });
    expect(selected()).toBe('Find on network');
    expect(active()).toBe(tab('Find on network'));
    // The panel is named by its tab.
    expect(screen.getByRole('tabpanel', { name: 'Find on network' })).toBeTruthy();
  });

  it('an error on one tab does not follow you to another', async () => {
    const main = installMain();
    openFrom();
    fireEvent.click(tab('ONVIF address'));
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await main.answer('cameras:test', {
      ok: false,
      error: { code: 'unreachable', message: 'Nothing answers at 192.168.1.20.' },
    });
    expect(screen.getByRole('alert').textContent).toBe('Nothing answers at 192.168.1.20.');
    fireEvent.click(tab('RTSP URL'));
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(tab('ONVIF address'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('an answer that arrives after you changed tab is not shown on the new one', async () => {
    const main = installMain();
    openFrom();
    fireEvent.click(tab('ONVIF address'));
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    fireEvent.click(tab('RTSP URL'));
    await main.answer('cameras:test', {
      ok: false,
      error: { code: 'unreachable', message: 'Nothing answers at 192.168.1.20.' },
    });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('');
  });
});

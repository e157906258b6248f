import './dialog-stand-in';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIpcRouter, type InvokeEventLike } from '../../src/main/ipc/handle';
import { createVigilApi } from '../../src/preload/api';
import { CameraDialog } from '../../src/renderer/src/dashboard/CameraDialog';
import type { DiscoveryResult } from '../../src/shared/cameras';
import type { IpcEnvelope } from '../../src/shared/ipc-contract';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/**
 * window.vigil as the app builds it, over the real IPC router and schemas; arguments
 * cross as Electron's ipcRenderer.invoke sends them (structured clone, explicit
 * undefined kept).
 */
function installApp(network: { interfaces: string[]; result: DiscoveryResult }) {
  const handlers = new Map<string, Listener>();
  const discoverCalls: unknown[][] = [];
  const router = createIpcRouter({
    ipcMain: {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
    },
    isTrustedSender: () => true,
  });
  router.handle('cameras:interfaces', () => network.interfaces);
  router.handle('cameras:discover', (_ctx, ...args) => {
    discoverCalls.push(args);
    return network.result;
  });
  window.vigil = createVigilApi({
    invoke: async (channel, args) =>
      (await handlers.get(channel)?.(
        { sender: { id: 1 }, senderFrame: { url: 'app://renderer/index.html' } },
        ...structuredClone(args),
      )) as IpcEnvelope<unknown>,
    subscribe: () => () => undefined,
  });
  return { discoverCalls };
}

const searchResult = () => screen.findByRole('status', { name: 'Search result' });

describe('Add camera › Find on network', () => {
  beforeEach(() => {
    render(<CameraDialog onClose={() => undefined} />);
  });
  afterEach(cleanup);

  it('a search that finds nothing says what to try, and Add by address switches tab', async () => {
    const { discoverCalls } = installApp({
      interfaces: ['eth0'],
      result: { devices: [], truncated: false },
    });
    expect(screen.getByRole('tab', { name: 'Find on network' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Search network' }));
    const result = await searchResult();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(result.textContent).toContain('No camera answered.');
    expect(result.textContent).toMatch(/VPN/);
    expect(result.textContent).toMatch(/firewall/);
    expect(result.textContent).not.toMatch(/another network/);
    expect(discoverCalls).toEqual([[undefined]]);
    fireEvent.click(screen.getByRole('button', { name: 'Add by address' }));
    expect(screen.getByRole('tab', { name: 'ONVIF address' }).getAttribute('aria-selected')).toBe(
      'true',
    );
  });

  it('with two networks it suggests the other one, and searches on the one chosen', async () => {
    const { discoverCalls } = installApp({
      interfaces: ['eth0', 'wlan0'],
      result: { devices: [], truncated: false },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Search network' }));
    expect((await searchResult()).textContent).toMatch(/Choose another network/);
    fireEvent.change(screen.getByRole('combobox', { name: 'Network' }), {
      target: { value: 'wlan0' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Search again' }));
    await waitFor(() => expect(discoverCalls).toHaveLength(2));
    expect(discoverCalls[1]).toEqual([{ networkInterface: 'wlan0' }]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('no network connection at all: says so, and offers the other ways in', async () => {
    installApp({ interfaces: [], result: { devices: [], truncated: false } });
    fireEvent.click(screen.getByRole('button', { name: 'Search network' }));
    expect((await searchResult()).textContent).toMatch(/no network connection/);
    fireEvent.click(screen.getByRole('button', { name: 'Add by RTSP URL' }));
    expect(screen.getByRole('tab', { name: 'RTSP URL' }).getAttribute('aria-selected')).toBe(
      'true',
    );
  });

  it('a camera that answers is listed, and picking it fills in its address', async () => {
    installApp({
      interfaces: ['eth0'],
      result: {
        devices: [
          {
            id: 'urn:uuid:1',
            host: '192.168.1.20',
            port: 8000,
            name: 'Porch',
            hardware: 'X100',
            xaddr: 'http://192.168.1.20:8000/onvif/device_service',
          },
        ],
        truncated: false,
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Search network' }));
    const list = await screen.findByRole('list', { name: 'Cameras found' });
    fireEvent.click(list.querySelector('button') as HTMLButtonElement);
    expect(screen.getByRole('tab', { name: 'ONVIF address' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Camera address' }).value).toBe(
      '192.168.1.20',
    );
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'ONVIF port' }).value).toBe(
      '8000',
    );
  });
});

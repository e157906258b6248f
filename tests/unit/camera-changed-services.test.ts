// What an edit means for the services that remember a camera (issue "Streams that survive the
// real world" §3): a status check or a picture of the old address that answers after the edit
// is not published as the camera's.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotService } from '../../src/main/services/cameras/snapshot-service';
import {
  CameraStatusMonitor,
  type StatusTarget,
} from '../../src/main/services/cameras/status-monitor';
import type { ProbeResult } from '../../src/main/services/streaming/rtsp-probe';
import type { CameraSnapshot, CameraStatus } from '../../src/shared/cameras';

describe('status checks across an edit', () => {
  /** A monitor whose probes the test answers, one per URL. */
  function setup(first: StatusTarget) {
    let targets = [first];
    const answers = new Map<string, (result: ProbeResult) => void>();
    const probed: string[] = [];
    const events: CameraStatus[] = [];
    const monitor = new CameraStatusMonitor({
      targets: () => targets,
      probe: (url) =>
        new Promise((resolve) => {
          probed.push(url);
          answers.set(url, resolve);
        }),
      emit: (status) => events.push(status),
    });
    return {
      monitor,
      probed,
      events,
      set: (next: StatusTarget[]) => (targets = next),
      answer: (url: string, result: ProbeResult) => answers.get(url)?.(result),
    };
  }

  it('the old address answering after the edit is not published; the new address is checked and reported', async () => {
    const t = setup({ id: 'c', battery: false, probeUrl: 'rtsp://10.0.0.1/old' });
    const old = t.monitor.checkNow('c');
    t.set([{ id: 'c', battery: false, probeUrl: 'rtsp://10.0.0.2/new' }]);
    const fresh = t.monitor.checkNow('c');
    // A check of the new address of its own, not the old one's shared.
    expect(t.probed).toEqual(['rtsp://10.0.0.1/old', 'rtsp://10.0.0.2/new']);
    t.answer('rtsp://10.0.0.2/new', { ok: false, detail: 'The camera refused the connection.' });
    expect(await fresh).toMatchObject({ state: 'offline' });
    t.answer('rtsp://10.0.0.1/old', { ok: true });
    // Whoever waited on the old check hears about the camera as it is.
    expect(await old).toMatchObject({ state: 'offline' });
    expect(t.events.map((e) => e.state)).toEqual(['checking', 'offline']);
    expect(t.monitor.get('c')?.state).toBe('offline');
  });

  it('a camera removed while it is checked gets no status afterwards', async () => {
    const t = setup({ id: 'c', battery: false, probeUrl: 'rtsp://10.0.0.1/old' });
    const check = t.monitor.checkNow('c');
    t.set([]);
    t.monitor.forget('c');
    t.answer('rtsp://10.0.0.1/old', { ok: true });
    expect(await check).toBeUndefined();
    expect(t.events.map((e) => e.state)).toEqual(['checking']);
    expect(t.monitor.get('c')).toBeUndefined();
  });
});

describe('a picture being taken across an edit', () => {
  const servers: Array<{ close: () => void }> = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it('a picture of the old address is not cached or announced: the camera as it is now is', async () => {
    const held: ServerResponse[] = [];
    const jpeg = (tag: string) =>
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(tag)]);
    const server = createServer((req, res) => {
      if (req.url === '/old.jpg') held.push(res);
      else res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(jpeg('new'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    });
    const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    let url = `${origin}/old.jpg`;
    const emitted: CameraSnapshot[] = [];
    const snapshots = new SnapshotService({
      plan: () => Promise.resolve({ http: { url }, stream: { kind: 'demo' } }),
      grab: () => Promise.reject(new Error('no frame grabs here')),
      emit: (s) => emitted.push(s),
    });
    const taking = snapshots.take('c');
    await expect.poll(() => held.length, { timeout: 2_000, interval: 5 }).toBe(1);
    url = `${origin}/new.jpg`;
    snapshots.forget('c');
    held[0]?.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(jpeg('old'));
    const picture = await taking;
    const body = (s: CameraSnapshot | undefined) =>
      Buffer.from(s?.dataUrl.split(',')[1] ?? '', 'base64')
        .subarray(4)
        .toString();
    expect(body(picture)).toBe('new');
    expect(body(snapshots.cached('c'))).toBe('new');
    expect(emitted.map(body)).toEqual(['new']);
  });
});

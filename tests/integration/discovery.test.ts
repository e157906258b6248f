import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectOnvif } from '../../src/main/services/cameras/onvif-client';
import { discoverOnvif } from '../../src/main/services/cameras/onvif-discovery';
import {
  canRunIsolatedDiscovery,
  isolatedCommand,
  startDiscoveryResponder,
  type DiscoveryResponder,
} from '../fixtures/fake-onvif/discovery-responder';
import { startFakeOnvif, type FakeOnvif } from '../fixtures/fake-onvif';

// WS-Discovery multicasts, so these tests run only inside a network namespace that has
// nothing but lo: the outer test re-runs this file under `unshare -n`.
const IN_NETNS = process.env.VIGIL_DISCOVERY_NETNS === '1';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THIS_FILE = 'tests/integration/discovery.test.ts';
const INNER_TESTS = 4;

describe.runIf(IN_NETNS)('discoverOnvif inside the namespace', () => {
  const open: Array<DiscoveryResponder | FakeOnvif> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
  });

  it('finds the simulator, and its address leads to a working ONVIF login', async () => {
    const device = await startFakeOnvif({
      username: 'admin',
      password: 'pw',
      rtspUrl: 'rtsp://127.0.0.1:8554/cam',
    });
    open.push(device);
    const xaddr = `${device.origin}/onvif/device_service`;
    open.push(
      await startDiscoveryResponder({ xaddr, scopes: ['onvif://www.onvif.org/name/FakeCam'] }),
    );
    const result = await discoverOnvif({ timeoutMs: 3_000 });
    expect(result.truncated).toBe(false);
    expect(result.devices).toHaveLength(1);
    const found = result.devices[0];
    expect(found).toMatchObject({ host: '127.0.0.1', port: device.port, name: 'FakeCam', xaddr });
    const inspection = await inspectOnvif({
      host: found?.host ?? '',
      port: found?.port ?? 0,
      username: 'admin',
      password: 'pw',
    });
    expect(inspection.device.profiles).toHaveLength(2);
  });

  it('garbage replies neither crash nor become devices', async () => {
    open.push(
      await startDiscoveryResponder({
        xaddr: 'http://127.0.0.1:1/onvif/device_service',
        mode: 'garbage',
      }),
    );
    const result = await discoverOnvif({ timeoutMs: 3_000 });
    expect(result.devices).toEqual([]);
  });

  it('300 spoofed replies are capped at 256 and reported as truncated', async () => {
    open.push(
      await startDiscoveryResponder({
        xaddr: 'http://127.0.0.1:1/x',
        mode: 'flood',
        floodCount: 300,
      }),
    );
    const result = await discoverOnvif({ timeoutMs: 4_000 });
    expect(result.devices.length).toBe(256);
    expect(result.truncated).toBe(true);
    expect(new Set(result.devices.map((d) => d.id)).size).toBe(256);
  });

  it('two overlapping calls share one probe', async () => {
    open.push(await startDiscoveryResponder({ xaddr: 'http://127.0.0.1:2/onvif/device_service' }));
    const a = discoverOnvif({ timeoutMs: 3_000 });
    const b = discoverOnvif({ timeoutMs: 3_000 });
    expect(a).toBe(b);
    expect((await a).devices).toHaveLength(1);
  });
});

const isolated = !IN_NETNS && canRunIsolatedDiscovery();
if (!IN_NETNS && !isolated) {
  console.warn(
    'SKIP ONVIF discovery tests: `unshare -n` is not available here (they need a namespace with only lo)',
  );
}

describe.runIf(isolated)('ONVIF discovery (re-run inside `unshare -n`)', () => {
  it(`passes all ${String(INNER_TESTS)} discovery tests in a namespace with only lo`, async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'vigil-netns-')), 'report.json');
    const cmd = isolatedCommand(process.execPath, [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--project',
      'integration',
      '--reporter=json',
      `--outputFile=${report}`,
      THIS_FILE,
    ]);
    const child = spawn(cmd.command, cmd.args, {
      cwd: ROOT,
      env: { ...process.env, VIGIL_DISCOVERY_NETNS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // ~20 s under load (a second vitest starting, then 13 s of listening windows); the
    // limit is for a hang, with room for a busier machine.
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 110_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    const result = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    expect(
      { passed: result.numPassedTests, failed: result.numFailedTests, code },
      output.slice(-3000),
    ).toEqual({
      passed: INNER_TESTS,
      failed: 0,
      code: 0,
    });
  }, 120_000);
});

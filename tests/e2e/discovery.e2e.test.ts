import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertLoopbackOnly,
  canRunIsolatedDiscovery,
  isolatedCommand,
  startDiscoveryResponder,
} from '../fixtures/fake-onvif/discovery-responder';
import { e2eAvailable, startApp, type AppHarness } from './harness';

// "Find on network" sends a real WS-Discovery multicast from the app's services, which run
// in this process. So this file runs only inside a network namespace that has nothing but
// lo (as tests/integration/discovery.test.ts does): the outer test re-runs it under
// `unshare -n`, where the app, Chromium and the fake camera can reach only 127.0.0.1.
const IN_NETNS = process.env.VIGIL_DISCOVERY_NETNS === '1';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THIS_FILE = 'tests/e2e/discovery.e2e.test.ts';
const INNER_TESTS = 2;
const SEARCH_MS = 15_000;

const available = e2eAvailable();

async function openFindOnNetwork(app: AppHarness): Promise<Page> {
  const dashboard = await app.openDashboard();
  await dashboard.getByRole('button', { name: 'Add camera' }).click();
  const dialog = dashboard.getByRole('dialog', { name: 'Add camera' });
  // The default tab.
  expect(
    await dialog.getByRole('tab', { name: 'Find on network' }).getAttribute('aria-selected'),
  ).toBe('true');
  await dialog.getByRole('button', { name: 'Search network' }).click();
  return dashboard;
}

describe.runIf(IN_NETNS)('Find on network, inside the namespace', () => {
  let app: AppHarness;

  beforeAll(async () => {
    // The guard: the app's probe can only ever leave through lo.
    assertLoopbackOnly();
    app = await startApp();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('nothing answers: a clear result with what to try, never "invalid request"', async () => {
    const page = await openFindOnNetwork(app);
    const dialog = page.getByRole('dialog', { name: 'Add camera' });
    const result = dialog.getByRole('status', { name: 'Search result' });
    await result.or(dialog.getByRole('alert')).waitFor({ timeout: SEARCH_MS });
    expect((await dialog.getByRole('alert').allTextContents()).join(' ')).toBe('');
    expect(await dialog.textContent()).not.toMatch(/invalid request/i);
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('No camera answered.');
    // Here the only interface is lo: the app says there is no network to search.
    expect(text).toMatch(/no network connection/);
    await result.getByRole('button', { name: 'Add by address' }).click();
    expect(
      await dialog.getByRole('tab', { name: 'ONVIF address' }).getAttribute('aria-selected'),
    ).toBe('true');
    await page.close();
  });

  it('a camera that answers is listed, and picking it fills in its address', async () => {
    const responder = await startDiscoveryResponder({
      xaddr: 'http://127.0.0.1:8899/onvif/device_service',
      scopes: ['onvif://www.onvif.org/name/Porch', 'onvif://www.onvif.org/hardware/X100'],
    });
    try {
      const page = await openFindOnNetwork(app);
      const dialog = page.getByRole('dialog', { name: 'Add camera' });
      const found = dialog.getByRole('list', { name: 'Cameras found' });
      await found.or(dialog.getByRole('alert')).waitFor({ timeout: SEARCH_MS });
      expect((await dialog.getByRole('alert').allTextContents()).join(' ')).toBe('');
      expect(await found.textContent()).toMatch(/Porch.*127\.0\.0\.1:8899/);
      await found.getByRole('button').first().click();
      expect(await dialog.getByRole('textbox', { name: 'Camera address' }).inputValue()).toBe(
        '127.0.0.1',
      );
      expect(await dialog.getByRole('textbox', { name: 'ONVIF port' }).inputValue()).toBe('8899');
      expect(responder.probes.length).toBeGreaterThan(0);
      await page.close();
    } finally {
      await responder.close();
    }
  });
});

const isolated = !IN_NETNS && available.ok && canRunIsolatedDiscovery();
if (!IN_NETNS && !isolated) {
  console.warn(
    `SKIP Find on network e2e: ${
      available.ok
        ? '`unshare -n` is not available here (it needs a namespace with only lo)'
        : available.why
    }`,
  );
}

describe.runIf(isolated)('Find on network in Chromium (re-run inside `unshare -n`)', () => {
  it(`passes all ${String(INNER_TESTS)} tests in a namespace with only lo`, async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'vigil-netns-e2e-')), 'report.json');
    const cmd = isolatedCommand(process.execPath, [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--project',
      'e2e',
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
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 110_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    const result = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: Array<{ assertionResults: Array<{ title: string; failureMessages: string[] }> }>;
    };
    const failures = result.testResults
      .flatMap((f) => f.assertionResults)
      .flatMap((a) => a.failureMessages.map((m) => `${a.title}: ${m.slice(0, 1500)}`));
    expect(
      { passed: result.numPassedTests, failed: result.numFailedTests, code },
      failures.join('\n') || output.slice(-3000),
    ).toEqual({ passed: INNER_TESTS, failed: 0, code: 0 });
  }, 120_000);
});

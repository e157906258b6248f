import { lstatSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { app, dialog, fake } from '../fakes/electron';
import { loadBuiltMain } from './load-built-main';

describe.skipIf(process.platform === 'win32')('the built main and its stream folder', () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'vigil-elsewhere-'));
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

  it('a stream folder that is not ours alone stops start-up with an error box that says which and what to do', async () => {
    // Live video goes to <userData>/streams; here someone made it a link to their own folder.
    const root = join(app.getPath('userData'), 'streams');
    symlinkSync(elsewhere, root);
    loadBuiltMain();
    app.becomeReady();
    await expect.poll(() => app.exitCode, { timeout: 10_000 }).toBe(1);
    expect(dialog.errorBoxes).toHaveLength(1);
    const [title, content] = dialog.errorBoxes[0] ?? ['', ''];
    expect(title).toBe('Vigil cannot start');
    expect(content).toContain(root);
    expect(content).toMatch(/is a link to another place/);
    expect(content).toMatch(/Delete the link and start Vigil again/);
    expect(fake.windows()).toEqual([]);
    expect(lstatSync(root).isSymbolicLink()).toBe(true);
  });
});

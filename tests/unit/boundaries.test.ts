import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/** The design's process boundaries are lint rules; prove they fire. */
// After the warm-up below, one lint takes ~0.3 s; 20 s is room for a loaded machine and
// still ends a hung lint long before the run does.
describe('lint-enforced boundaries', { timeout: 20_000 }, () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  async function messagesFor(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
  }

  const importsElectron = "import { app } from 'electron';\nexport const x = app;\n";

  // Type-aware rules build a TypeScript program for each tsconfig on first use, and the
  // first file that imports electron pulls in its types: measured 7 s (main) + 3.5 s
  // (renderer) on a loaded 2-core machine, more on a cold one, which blew vitest's 5 s
  // default on fresh CI machines. Pay that once here, with room for a slow machine.
  beforeAll(async () => {
    await messagesFor('src/shared/streams.ts', importsElectron);
    await messagesFor('src/renderer/src/dashboard/Dashboard.tsx', 'export {};\n');
  }, 120_000);

  it.each([
    'src/shared/streams.ts',
    'src/main/services/streaming/stream-service.ts',
    'src/main/services/cameras/demo-camera.ts',
  ])('importing electron in %s is an error', async (filePath) => {
    const messages = await messagesFor(filePath, importsElectron);
    expect(messages.join('\n')).toMatch(/no-restricted-imports: .*free of Electron/);
  });

  it('raw ipcRenderer outside the preload is an error', async () => {
    const messages = await messagesFor(
      'src/renderer/src/dashboard/Dashboard.tsx',
      'declare const ipcRenderer: { send(c: string): void };\nipcRenderer.send("x");\nexport {};\n',
    );
    expect(messages.join('\n')).toMatch(/no-restricted-syntax: Use window.vigil/);
  });

  it('a floating promise is an error', async () => {
    const messages = await messagesFor(
      'src/main/services/streaming/redact.ts',
      'export async function f(): Promise<void> {}\nvoid 0;\nf();\n',
    );
    expect(messages.join('\n')).toMatch(/no-floating-promises/);
  });
});

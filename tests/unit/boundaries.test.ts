import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The design's process boundaries are lint rules; prove they fire. */
describe('lint-enforced boundaries', () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  async function messagesFor(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
  }

  it.each([
    'src/shared/streams.ts',
    'src/main/services/streaming/stream-service.ts',
    'src/main/services/cameras/demo-camera.ts',
  ])('importing electron in %s is an error', async (filePath) => {
    const messages = await messagesFor(
      filePath,
      "import { app } from 'electron';\nexport const x = app;\n",
    );
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

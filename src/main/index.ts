import { app, BrowserWindow, ipcMain } from 'electron';
import ffmpegStatic from 'ffmpeg-static';
import { join } from 'node:path';
import { createIpcRouter } from './ipc/handle';
import { registerStreamHandlers } from './ipc/stream-handlers';
import { registerStreamScheme, serveStreams } from './protocol';
import { createSourceResolver } from './services/cameras/demo-camera';
import { probeFfmpeg } from './services/streaming/ffmpeg-binary';
import { createHlsHandler } from './services/streaming/hls-handler';
import { StreamService } from './services/streaming/stream-service';
import { createSecureWindow, hardenSession, isAppUrl, loadPage } from './windows';

const log = (line: string): void => console.log(`[vigil] ${line}`);

registerStreamScheme();

let dashboard: BrowserWindow | null = null;

const streams = new StreamService({
  tempRoot: join(app.getPath('temp'), 'vigil-streams'),
  sources: createSourceResolver(),
  ffmpeg: () => probeFfmpeg({ staticPath: ffmpegStatic }),
  emit: (info) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send('stream:state', info);
  },
  log,
});

async function openDashboard(): Promise<void> {
  if (dashboard && !dashboard.isDestroyed()) {
    dashboard.focus();
    return;
  }
  dashboard = createSecureWindow({ title: 'Vigil', width: 1100, height: 760 });
  const win = dashboard;
  win.on('closed', () => {
    void streams.releaseViewer(`window:${String(win.webContents.id)}`);
    dashboard = null;
  });
  await loadPage(win, 'index.html');
}

async function main(): Promise<void> {
  await app.whenReady();
  hardenSession();
  await streams.init();
  serveStreams(createHlsHandler({ liveDirectory: (id) => streams.liveDirectory(id) }));
  const router = createIpcRouter({
    ipcMain,
    isTrustedSender: (event) =>
      BrowserWindow.getAllWindows().some((w) => w.webContents.id === event.sender.id) &&
      isAppUrl(event.senderFrame?.url ?? ''),
    log,
  });
  registerStreamHandlers(router, streams);
  await openDashboard();
  app.on('activate', () => void openDashboard());
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  // Stop every ffmpeg and delete every session directory before the process ends.
  event.preventDefault();
  quitting = true;
  void streams.stopAll('shutdown').finally(() => app.quit());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

main().catch((error: unknown) => {
  log(
    `start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  app.exit(1);
});

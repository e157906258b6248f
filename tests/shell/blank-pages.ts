import { app } from '../fakes/electron';
import { registerSchemes, serveSchemes } from '../../src/main/protocol';

/**
 * As main does before its first window: the schemes registered, Electron ready, and the app
 * scheme serving a blank page (what the page holds does not matter to window tests); streams 404.
 */
export function serveBlankPages(): void {
  registerSchemes();
  app.becomeReady();
  serveSchemes({
    pages: () => Promise.resolve(new Response('<!doctype html>')),
    streams: () => Promise.resolve(new Response('', { status: 404 })),
  });
}

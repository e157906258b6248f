import { protocol } from 'electron';
import { STREAM_SCHEME } from '../shared/streams';
import type { FetchHandler } from './services/streaming/hls-handler';

/** Must run before `app.ready`: the stream scheme's privileges, exactly these. */
export function registerStreamScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: STREAM_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

/** Hands the HLS handler to Electron once the app is ready. */
export function serveStreams(handler: FetchHandler): void {
  protocol.handle(STREAM_SCHEME, handler);
}

import { protocol } from 'electron';
import { STREAM_SCHEME } from '../shared/streams';
import type { FetchHandler } from './services/streaming/hls-handler';
import { APP_SCHEME, SCHEME_PRIVILEGES, type SchemePrivileges } from './web/policy';

/** Must run before `app.ready`, once: our schemes with exactly the privileges in web/policy.ts. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged(
    SCHEME_PRIVILEGES.map(({ scheme, privileges }) => ({
      scheme,
      privileges: { ...privileges } satisfies SchemePrivileges,
    })),
  );
}

/** Hands the page and stream handlers to Electron once the app is ready. */
export function serveSchemes(handlers: { pages: FetchHandler; streams: FetchHandler }): void {
  protocol.handle(APP_SCHEME, handlers.pages);
  protocol.handle(STREAM_SCHEME, handlers.streams);
}

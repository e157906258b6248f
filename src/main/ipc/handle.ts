import type { z } from 'zod';
import { UserFacingError } from '../../shared/errors';
import type {
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
  IpcEnvelope,
} from '../../shared/ipc-contract';
import { invokeSchemas } from './schemas';

/** The part of an IPC event we look at; Electron's IpcMainInvokeEvent fits it. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

/** The part of `ipcMain` we use, so the router runs in Node tests with a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Who called: the viewer id of the sending window. */
export interface CallContext {
  viewer: string;
}

export type Handler<C extends InvokeChannel> = (
  context: CallContext,
  ...args: InvokeArgs<C>
) => Promise<InvokeResult<C>> | InvokeResult<C>;

export interface IpcRouterOptions {
  ipcMain: IpcMainLike;
  /** True only for our own windows loading our own pages. */
  isTrustedSender: (event: InvokeEventLike) => boolean;
  log?: (line: string) => void;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

/**
 * Registers typed handlers: each checks the sender, validates arguments against the
 * channel's schema, and answers with an envelope so errors keep a readable message.
 */
export function createIpcRouter(options: IpcRouterOptions) {
  const channels: string[] = [];
  const log = options.log ?? (() => undefined);

  async function dispatch<C extends InvokeChannel>(
    channel: C,
    fn: Handler<C>,
    event: InvokeEventLike,
    rawArgs: unknown[],
  ): Promise<IpcEnvelope<InvokeResult<C>>> {
    if (!options.isTrustedSender(event)) {
      log(`ipc: refused ${channel} from an untrusted sender`);
      return { ok: false, error: { code: 'forbidden', message: 'This page may not use Vigil.' } };
    }
    const schema: z.ZodType<InvokeArgs<C>> = invokeSchemas[channel];
    const parsed = schema.safeParse(rawArgs);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid-arguments',
          message: `Vigil received an invalid request (${describeIssues(parsed.error)}).`,
        },
      };
    }
    try {
      const value = await fn({ viewer: `window:${String(event.sender.id)}` }, ...parsed.data);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof UserFacingError) {
        return { ok: false, error: { code: error.code, message: error.message } };
      }
      log(
        `ipc: ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return {
        ok: false,
        error: {
          code: 'internal',
          message: 'Something went wrong inside Vigil. Please try again.',
        },
      };
    }
  }

  return {
    /** Registers the handler for one channel of the contract. */
    handle<C extends InvokeChannel>(channel: C, fn: Handler<C>): void {
      options.ipcMain.handle(channel, (event, ...args) => dispatch(channel, fn, event, args));
      channels.push(channel);
    },
    /** Removes every handler registered through this router. */
    dispose(): void {
      for (const channel of channels.splice(0)) options.ipcMain.removeHandler(channel);
    },
  };
}

import { z } from 'zod';
import type { InvokeArgs, InvokeChannel } from '../../shared/ipc-contract';
import { MAX_STREAM_DURATION_SEC } from '../../shared/streams';

const cameraId = z.string().min(1, 'A camera id is required.').max(200);
const seconds = z.number().int().min(1).max(MAX_STREAM_DURATION_SEC);

/** Argument schemas for every invoke channel, checked against the contract's types. */
export const invokeSchemas: { [C in InvokeChannel]: z.ZodType<InvokeArgs<C>> } = {
  'streams:start': z.union([
    z.tuple([cameraId]),
    z.tuple([
      cameraId,
      z.strictObject({
        durationSec: z.number().int().min(0).max(MAX_STREAM_DURATION_SEC).optional(),
      }),
    ]),
  ]),
  'streams:stop': z.tuple([cameraId]),
  'streams:extend': z.tuple([cameraId, seconds]),
  'streams:list': z.tuple([]),
};

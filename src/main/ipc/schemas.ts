import { z } from 'zod';
import type { InvokeArgs, InvokeChannel } from '../../shared/ipc-contract';
import { MAX_CAMERA_NAME } from '../../shared/cameras';
import { MAX_PRESET_NAME } from '../../shared/ptz';
import { MAX_STREAM_DURATION_SEC, PLAYABLE_CODECS } from '../../shared/streams';
import { MAX_WALL_CAMERAS, MAX_WALL_NAME, WALL_LAYOUTS } from '../../shared/walls';

const cameraId = z.string().min(1, 'A camera id is required.').max(200);
const seconds = z.number().int().min(1).max(MAX_STREAM_DURATION_SEC);
const variant = z.enum(['main', 'sub']);

const inputSource = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('onvif'),
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    profile: z.enum(['main', 'sub']),
  }),
  z.strictObject({
    kind: z.literal('rtsp'),
    url: z.string().min(1).max(2048),
    subUrl: z.string().max(2048).optional(),
  }),
  z.strictObject({ kind: z.literal('demo') }),
]);
const credentials = {
  username: z.string().max(256).optional(),
  password: z.string().max(1024).optional(),
};
const cameraInput = z.strictObject({
  name: z.string().max(MAX_CAMERA_NAME * 2),
  source: inputSource,
  options: z
    .strictObject({
      transport: z.enum(['tcp', 'udp']),
      durationSec: z.number().int().min(0).max(MAX_STREAM_DURATION_SEC),
      battery: z.boolean(),
      audio: z.boolean(),
      keepReady: z.boolean(),
    })
    .partial()
    .optional(),
  ...credentials,
});
// Finite by construction (z.number refuses NaN and ±Infinity), within the generic space.
const speed = z.number().min(-1).max(1);
const velocity = z.strictObject({ x: speed, y: speed, zoom: speed });
const presetName = z
  .string()
  .trim()
  .min(1, 'A preset needs a name.')
  .max(MAX_PRESET_NAME, `A preset name has at most ${String(MAX_PRESET_NAME)} characters.`)
  // Control characters would reach the camera's SOAP body as they are.
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');
const wallId = z.string().min(1, 'A wall id is required.').max(200);
const wallInput = z.strictObject({
  // Cleaned and checked for emptiness by the store, which says what to do.
  name: z.string().max(MAX_WALL_NAME * 2),
  layout: z
    .enum(WALL_LAYOUTS as [string, ...string[]])
    .transform((l) => l as (typeof WALL_LAYOUTS)[number]),
  cameraIds: z
    .array(cameraId)
    .max(MAX_WALL_CAMERAS, `A wall shows at most ${String(MAX_WALL_CAMERAS)} cameras.`),
  openAtStart: z.boolean().optional(),
});
const testInput = z.union([
  z.strictObject({ cameraId }),
  z.strictObject({ source: inputSource, ...credentials }),
]);

/**
 * Argument schemas for every invoke channel, checked against the contract's types. An
 * optional parameter is an optional tuple element: Electron delivers `f(x, undefined)`
 * as `[x, undefined]`, which TypeScript allows as much as `f(x)`.
 */
export const invokeSchemas: { [C in InvokeChannel]: z.ZodType<InvokeArgs<C>> } = {
  'streams:start': z.tuple([
    cameraId,
    z
      .strictObject({
        durationSec: z.number().int().min(0).max(MAX_STREAM_DURATION_SEC).optional(),
        variant: variant.optional(),
        files: z.boolean().optional(),
      })
      .optional(),
  ]),
  'streams:stop': z.tuple([cameraId, z.strictObject({ variant: variant.optional() }).optional()]),
  'streams:end': z.tuple([cameraId]),
  'streams:extend': z.tuple([cameraId, seconds]),
  'streams:list': z.tuple([]),
  'streams:playable': z.tuple([z.array(z.enum(PLAYABLE_CODECS)).max(PLAYABLE_CODECS.length)]),
  'streams:health': z.tuple([cameraId]),
  'walls:list': z.tuple([]),
  'walls:add': z.tuple([wallInput]),
  'walls:update': z.tuple([wallId, wallInput]),
  'walls:remove': z.tuple([wallId]),
  'windows:openWall': z.tuple([wallId]),
  'cameras:list': z.tuple([]),
  'cameras:add': z.tuple([cameraInput]),
  'cameras:update': z.tuple([cameraId, cameraInput]),
  'cameras:remove': z.tuple([cameraId]),
  'cameras:undoRemove': z.tuple([cameraId]),
  'cameras:copyRtspUrl': z.tuple([
    cameraId,
    z.strictObject({ withPassword: z.boolean().optional() }).optional(),
  ]),
  'cameras:test': z.tuple([testInput]),
  'cameras:discover': z.tuple([
    z.strictObject({ networkInterface: z.string().max(64).optional() }).optional(),
  ]),
  'cameras:interfaces': z.tuple([]),
  'cameras:snapshot': z.tuple([
    cameraId,
    z.strictObject({ cachedOnly: z.boolean().optional() }).optional(),
  ]),
  'cameras:status': z.tuple([]),
  'cameras:checkStatus': z.tuple([cameraId]),
  'cameras:notices': z.tuple([]),
  'cameras:demo': z.tuple([]),
  'cameras:setDemo': z.tuple([
    z.union([
      z.strictObject({ show: z.boolean() }),
      z.strictObject({ dismissNotice: z.literal(true) }),
    ]),
  ]),
  'windows:openLive': z.tuple([cameraId]),
  'windows:awaitCamera': z.tuple([]),
  'windows:close': z.tuple([]),
  'windows:liveMode': z.tuple([]),
  'windows:setMini': z.tuple([z.boolean()]),
  'windows:setPinned': z.tuple([z.boolean()]),
  'windows:editCamera': z.tuple([
    cameraId,
    z.strictObject({ focus: z.literal('password').optional() }).optional(),
  ]),
  'snapshots:save': z.tuple([
    cameraId,
    // A 4K PNG is well under 30 MB of base64.
    z
      .string()
      .max(30 * 1024 * 1024)
      .regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'a PNG data URL'),
  ]),
  // Checked against the paths main saved; the limit only bounds what is compared.
  'snapshots:showInFolder': z.tuple([z.string().min(1).max(4096)]),
  'ptz:capabilities': z.tuple([cameraId]),
  'ptz:move': z.tuple([cameraId, velocity]),
  'ptz:stop': z.tuple([cameraId]),
  'ptz:presets': z.tuple([cameraId]),
  'ptz:gotoPreset': z.tuple([cameraId, z.string().min(1).max(256)]),
  'ptz:savePreset': z.tuple([cameraId, presetName]),
  'recording:start': z.tuple([
    cameraId,
    z.strictObject({ keepAfterCountdown: z.boolean().optional() }).optional(),
  ]),
  'recording:stop': z.tuple([cameraId]),
  'recording:list': z.tuple([]),
  'recording:folder': z.tuple([]),
  'recording:chooseFolder': z.tuple([]),
};

import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { probeFfmpeg } from '../../src/main/services/streaming/ffmpeg-binary';
import { hasGstreamerRtsp, startFakeCamera, stopAllFakeCameras } from '../fixtures/fake-camera';
import { createHarness, type Harness } from '../helpers/stream-harness';

const stub = fileURLToPath(new URL('../fixtures/short-probe-ffmpeg/ffmpeg', import.meta.url));

describe.runIf(hasGstreamerRtsp())('a small probe that misses the video size', () => {
  let h: Harness | undefined;
  afterEach(() => h?.dispose());
  afterAll(() => stopAllFakeCameras());

  it('("dimensions not set" before live) is retried once with a full probe, and goes live', async () => {
    const camera = await startFakeCamera({ audio: 'aac' });
    h = createHarness({ ffmpeg: () => probeFfmpeg({ env: { FFMPEG_BIN: stub } }) });
    await h.service.init();
    h.cameras.set('cam', { kind: 'rtsp', url: camera.url });
    await h.service.start('cam', { viewer: 't', durationSec: 0 });
    const live = await h.waitFor('cam', ['live', 'failed'], 20_000);
    expect(live.state).toBe('live');
    expect(h.logs.filter((l) => l.includes('probing fully'))).toHaveLength(1);
    // The failed small-probe run, then the full-probe run that went live.
    expect(h.spawned).toHaveLength(2);
  });
});

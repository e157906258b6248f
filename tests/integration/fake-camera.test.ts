import { spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  hasGstreamerRtsp,
  startFakeCamera,
  startSilentTcpServer,
  stopAllFakeCameras,
} from '../fixtures/fake-camera';

// Proves the fake camera itself, with the system ffprobe/ffmpeg as the client.
const FFPROBE = 'ffprobe';
const FFMPEG = 'ffmpeg';

const gst = hasGstreamerRtsp();
const tools = [FFPROBE, FFMPEG].every((bin) => spawnSync(bin, ['-version']).status === 0);
if (!gst)
  console.warn('SKIP fake-camera tests: GStreamer RTSP server (python3-gi) is not installed');
if (!tools) console.warn('SKIP fake-camera tests: ffprobe/ffmpeg are not on PATH');
const runnable = gst && tools;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command (argument array, no shell); SIGKILLs it after timeoutMs. */
function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
}

async function probe(url: string): Promise<RunResult & { streams: ProbedStream[] }> {
  const res = await run(
    FFPROBE,
    [
      '-v',
      'error',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
      '-show_entries',
      'stream=codec_type,codec_name,width,height,sample_rate',
      '-of',
      'json',
      url,
    ],
    15_000,
  );
  let streams: ProbedStream[] = [];
  if (res.code === 0) {
    streams = (JSON.parse(res.stdout) as { streams?: ProbedStream[] }).streams ?? [];
  }
  return { ...res, streams };
}

function byType(streams: ProbedStream[], type: string): ProbedStream[] {
  return streams.filter((s) => s.codec_type === type);
}

/** Starts `ffmpeg -i URL -f null -` and resolves once it has decoded a few frames. */
function startReader(url: string): Promise<{ exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      FFMPEG,
      [
        '-nostdin',
        '-v',
        'error',
        '-progress',
        'pipe:1',
        '-stats_period',
        '0.25',
        '-rtsp_transport',
        'tcp',
        '-timeout',
        '1000000',
        '-i',
        url,
        '-f',
        'null',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((done) => child.once('close', done));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ffmpeg decoded no frames within 15 s: ${stderr}`));
    }, 15_000);
    child.once('error', reject);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      const frames = [...c.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1]));
      if (frames.some((n) => n >= 5)) {
        clearTimeout(timer);
        resolve({ exited });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`ffmpeg ended before decoding frames: ${stderr}`));
    });
  });
}

/** How long the camera takes to answer a DESCRIBE (ms), over a bare TCP connection. */
function describeTime(url: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () => {
      socket.write(`DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer to DESCRIBE in 10 s')));
    socket.once('data', () => {
      resolve(Date.now() - t0);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** The picture types of `seconds` of decoded video, and the distances between keyframes. */
async function probeFrames(
  url: string,
  seconds: number,
): Promise<{ types: string[]; keyframeGaps: number[]; summary: string }> {
  const res = await run(
    FFPROBE,
    [
      '-v',
      'error',
      '-rtsp_transport',
      'tcp',
      '-read_intervals',
      `%+${String(seconds)}`,
      '-select_streams',
      'v',
      '-show_entries',
      'frame=pict_type,key_frame',
      '-of',
      'csv=p=0',
      url,
    ],
    (seconds + 15) * 1_000,
  );
  if (res.code !== 0) throw new Error(`ffprobe failed: ${res.stderr}`);
  const frames = res.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(','));
  const types = frames.map(([, type]) => type ?? '?');
  const keys = frames.flatMap(([key], i) => (key === '1' ? [i] : []));
  const keyframeGaps = keys.slice(1).map((k, i) => k - (keys[i] ?? 0));
  const count = (t: string) => String(types.filter((x) => x === t).length);
  return {
    types,
    keyframeGaps,
    summary: `${String(frames.length)} (I ${count('I')}, P ${count('P')}, B ${count('B')}), keyframes every ${keyframeGaps.join('/')}`,
  };
}

describe.runIf(runnable)('fake camera fixture (GStreamer RTSP server on 127.0.0.1)', () => {
  afterAll(() => stopAllFakeCameras());

  it('defaults: H.264 1280x720 + PCMA audio, READY fast', async () => {
    const t0 = Date.now();
    const cam = await startFakeCamera();
    const startMs = Date.now() - t0;
    expect(cam.port).toBeGreaterThan(0);
    expect(cam.pid).toBeGreaterThan(0);
    expect(cam.url).toBe(`rtsp://127.0.0.1:${String(cam.port)}/cam`);
    expect(cam.urlWithCredentials).toBe(cam.url);
    const res = await probe(cam.url);
    console.log(`camera READY after ${String(startMs)} ms; ffprobe took ${String(res.ms)} ms`);
    expect(res.code, res.stderr).toBe(0);
    expect(byType(res.streams, 'video')).toEqual([
      { codec_type: 'video', codec_name: 'h264', width: 1280, height: 720 },
    ]);
    expect(byType(res.streams, 'audio')).toEqual([
      { codec_type: 'audio', codec_name: 'pcm_alaw', sample_rate: '8000' },
    ]);
    // ~60–120 ms measured; python3 importing GStreamer on a loaded, cold machine takes longer.
    expect(startMs).toBeLessThan(5_000);
    await cam.stop();
  });

  it("audio: 'aac' gives AAC", async () => {
    const cam = await startFakeCamera({ audio: 'aac' });
    const res = await probe(cam.url);
    expect(res.code, res.stderr).toBe(0);
    expect(byType(res.streams, 'audio').map((s) => s.codec_name)).toEqual(['aac']);
    await cam.stop();
  });

  it("audio: 'none' has no audio stream", async () => {
    const cam = await startFakeCamera({ audio: 'none', size: '640x360', path: '/live/ch1' });
    expect(cam.url).toMatch(/\/live\/ch1$/);
    const res = await probe(cam.url);
    expect(res.code, res.stderr).toBe(0);
    expect(byType(res.streams, 'audio')).toEqual([]);
    expect(byType(res.streams, 'video')).toMatchObject([{ width: 640, height: 360 }]);
    await cam.stop();
  });

  it("codec: 'h265' gives HEVC", async () => {
    const cam = await startFakeCamera({ codec: 'h265', audio: 'none' });
    const res = await probe(cam.url);
    expect(res.code, res.stderr).toBe(0);
    expect(byType(res.streams, 'video').map((s) => s.codec_name)).toEqual(['hevc']);
    await cam.stop();
  });

  it('bframes + gop + AAC 44.1 kHz stereo: an NVR-like stream, as ffprobe sees it', async () => {
    const [nvr, long] = await Promise.all([
      startFakeCamera({ gop: 50, bframes: 2, audio: 'aac', audioRate: 44_100, audioChannels: 2 }),
      startFakeCamera({ gop: 100, bframes: 2, audio: 'none', size: '640x360' }),
    ]);
    // A client joining mid-GOP is answered at once, even when the next keyframe is 4 s away.
    const describeMs = await describeTime(long.url);
    const [streams, gop50, gop100] = await Promise.all([
      run(
        FFPROBE,
        [
          '-v',
          'error',
          '-rtsp_transport',
          'tcp',
          '-show_entries',
          'stream=codec_type,codec_name,profile,has_b_frames,sample_rate,channels',
          '-of',
          'json',
          nvr.url,
        ],
        15_000,
      ),
      probeFrames(nvr.url, 5.5),
      probeFrames(long.url, 9.5),
    ]);
    expect(streams.code, streams.stderr).toBe(0);
    const parsed = (
      JSON.parse(streams.stdout) as {
        streams: Array<{ codec_type: string } & Record<string, unknown>>;
      }
    ).streams;
    expect(parsed.find((s) => s.codec_type === 'video')).toMatchObject({
      codec_name: 'h264',
      profile: 'High',
    });
    expect(Number(parsed.find((s) => s.codec_type === 'video')?.has_b_frames)).toBeGreaterThan(0);
    expect(parsed.find((s) => s.codec_type === 'audio')).toMatchObject({
      codec_name: 'aac',
      sample_rate: '44100',
      channels: 2,
    });
    console.log(
      `DESCRIBE (4 s GOP) answered in ${String(describeMs)} ms; frames: ${gop50.summary} | ${gop100.summary}`,
    );
    expect(describeMs).toBeLessThan(1_500);
    for (const [frames, gop] of [
      [gop50, 50],
      [gop100, 100],
    ] as const) {
      expect(frames.types).toContain('B');
      expect(frames.keyframeGaps.length).toBeGreaterThan(0);
      for (const gap of frames.keyframeGaps) expect(gap).toBe(gop);
    }
    await Promise.all([nvr.stop(), long.stop()]);
  });

  it('digest auth: anonymous and wrong password → 401, right password plays', async () => {
    const password = 'p@ss:w/rd%1 x';
    const cam = await startFakeCamera({ user: 'admin', password, audio: 'none' });
    expect(cam.url).not.toContain('admin');
    expect(cam.urlWithCredentials).toContain(`admin:${encodeURIComponent(password)}@`);

    const anonymous = await probe(cam.url);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/401/);

    const wrong = new URL(cam.urlWithCredentials);
    wrong.password = 'wrong';
    const denied = await probe(wrong.toString());
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/401/);
    // Answered at once, not after the 5 s socket timeout (ffprobe's own start-up is the rest).
    expect(denied.ms).toBeLessThan(4_000);

    const ok = await probe(cam.urlWithCredentials);
    expect(ok.code, ok.stderr).toBe(0);
    expect(byType(ok.streams, 'video').map((s) => s.codec_name)).toEqual(['h264']);
    await cam.stop();
  });

  it('basic auth: wrong password → 401, right password plays', async () => {
    const cam = await startFakeCamera({
      user: 'u',
      password: 'secret',
      auth: 'basic',
      audio: 'none',
    });
    const denied = await probe(cam.url.replace('rtsp://', 'rtsp://u:nope@'));
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/401/);
    const ok = await probe(cam.urlWithCredentials);
    expect(ok.code, ok.stderr).toBe(0);
    await cam.stop();
  });

  it('an unknown path → 404', async () => {
    const cam = await startFakeCamera({ audio: 'none' });
    const res = await probe(cam.url.replace(/\/cam$/, '/nope'));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/404/);
    // Answered at once, not after the 5 s socket timeout (ffprobe's own start-up is the rest).
    expect(res.ms).toBeLessThan(4_000);
    await cam.stop();
  });

  it('freeze (SIGUSR1) makes a reading ffmpeg end; unfreeze (SIGUSR2) serves media again', async () => {
    const cam = await startFakeCamera({ audio: 'none' });
    const reader = await startReader(cam.url);
    const t0 = Date.now();
    cam.freeze();
    await reader.exited;
    const ms = Date.now() - t0;
    // ffmpeg's 1 s socket timeout is re-armed by every RTCP packet the camera still sends,
    // so the end comes after a 1 s RTCP gap: measured 4.6–6.7 s. A freeze that does not
    // stop the media never ends the reader.
    console.log(`frozen camera → ffmpeg -timeout 1000000 ended after ${String(ms)} ms`);
    expect(ms).toBeLessThan(12_000);

    cam.unfreeze();
    const res = await probe(cam.url);
    expect(res.code, res.stderr).toBe(0);
    await cam.stop();
  });

  it('a client arriving while frozen gets the RTSP handshake (SDP) but no media', async () => {
    const cam = await startFakeCamera({ audio: 'none' });
    cam.freeze();
    const res = await run(
      FFPROBE,
      ['-v', 'debug', '-rtsp_transport', 'tcp', '-timeout', '1000000', cam.url],
      15_000,
    );
    console.log(`frozen camera, new client → ffprobe failed after ${String(res.ms)} ms`);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('a=rtpmap:96 H264/90000');
    // Match ffmpeg's failure lines, not digits that a random SDP session id may contain.
    expect(res.stderr).not.toMatch(/failed: 40[14] |Connection refused/);
    await cam.stop();
  });

  it('kill() (SIGKILL) makes a reading ffmpeg end at once', async () => {
    const cam = await startFakeCamera({ audio: 'none' });
    const reader = await startReader(cam.url);
    const t0 = Date.now();
    cam.kill();
    await reader.exited;
    const ms = Date.now() - t0;
    console.log(`killed camera → ffmpeg ended after ${String(ms)} ms`);
    // ~30 ms measured. Stays below the 4.6 s a frozen (not killed) camera takes to end it.
    expect(ms).toBeLessThan(3_000);
    await cam.stop(); // already dead: resolves at once
  });

  it('stop() ends the process (SIGTERM)', async () => {
    const cam = await startFakeCamera({ audio: 'none' });
    await cam.stop();
    expect(() => process.kill(cam.pid, 0)).toThrow();
  });

  it('freePort → connection refused; silent server → timed out', async () => {
    const port = await freePort();
    const refused = await probe(`rtsp://127.0.0.1:${String(port)}/cam`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/refused/i);

    const silent = await startSilentTcpServer();
    try {
      const res = await run(
        FFPROBE,
        ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '1000000', silent.url],
        10_000,
      );
      // ffmpeg 5.1 words a read timeout during the RTSP handshake as "Invalid data found
      // when processing input", after the 1 s -timeout.
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/Invalid data found when processing input|timed out/i);
      expect(res.ms).toBeGreaterThanOrEqual(900);
      expect(res.ms).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it('a bad option makes startFakeCamera reject with the stderr tail', async () => {
    await expect(startFakeCamera({ size: 'huge' })).rejects.toThrow(/--size/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildFfmpegArgs,
  filterSpec,
  withCredentials,
} from '../../src/main/services/streaming/ffmpeg-args';

const outDir = '/tmp/vigil-test/session';

function valueAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('buildFfmpegArgs', () => {
  const rtsp = { kind: 'rtsp' as const, url: 'rtsp://10.0.0.5:554/stream1' };

  it('copies H.264 over TCP into 0.25 s fMP4 HLS segments cut by time, with a socket timeout and a small probe', () => {
    const args = buildFfmpegArgs({ source: rtsp, outDir, socketTimeoutMs: 3000 });
    expect(valueAfter(args, '-rtsp_transport')).toBe('tcp');
    expect(valueAfter(args, '-timeout')).toBe('3000000');
    expect(valueAfter(args, '-c:v')).toBe('copy');
    expect(valueAfter(args, '-c:a')).toBe('aac');
    expect(valueAfter(args, '-hls_time')).toBe('0.25');
    expect(valueAfter(args, '-analyzeduration')).toBe('100000');
    expect(valueAfter(args, '-probesize')).toBe('32768');
    expect(valueAfter(args, '-hls_segment_type')).toBe('fmp4');
    // Cut by time: segments may start between keyframes, so they are not declared independent.
    expect(valueAfter(args, '-hls_flags')).toBe(
      'delete_segments+temp_file+split_by_time+program_date_time',
    );
    expect(valueAfter(args, '-protocol_whitelist')).toBe('rtsp,rtp,tcp,udp');
    expect(args.at(-1)).toBe(`${outDir}/index.m3u8`);
    // Optional audio: a camera without audio must not fail the map.
    expect(args).toContain('0:a:0?');
    expect(args).not.toContain('nobuffer');
  });

  it('cuts the classic setup too (2 s mpegts, list of 3), for the benchmark’s baseline', () => {
    const hls = {
      segmentSeconds: 2,
      listSize: 3,
      segmentType: 'mpegts' as const,
      fastProbe: false,
    };
    const args = buildFfmpegArgs({ source: rtsp, outDir, socketTimeoutMs: 3000, hls });
    expect(valueAfter(args, '-hls_time')).toBe('2');
    expect(valueAfter(args, '-hls_list_size')).toBe('3');
    expect(valueAfter(args, '-hls_segment_type')).toBe('mpegts');
    expect(valueAfter(args, '-hls_segment_filename')).toBe(`${outDir}/seg-%d.ts`);
    expect(args).not.toContain('-hls_fmp4_init_filename');
    expect(args).not.toContain('-probesize');
    const transcoded = buildFfmpegArgs({
      source: rtsp,
      outDir,
      socketTimeoutMs: 3000,
      hls: { ...hls, transcodeKbps: 800 },
    });
    expect(valueAfter(transcoded, '-c:v')).toBe('libx264');
    expect(valueAfter(transcoded, '-b:v')).toBe('800k');
    expect(valueAfter(transcoded, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
  });

  it('uses UDP when the camera asks for it', () => {
    const args = buildFfmpegArgs({
      source: { ...rtsp, transport: 'udp' },
      outDir,
      socketTimeoutMs: 3000,
    });
    expect(valueAfter(args, '-rtsp_transport')).toBe('udp');
  });

  it.each(['h265', 'mjpeg', 'other'] as const)(
    'transcodes %s to H.264 (Chromium cannot play it)',
    (codec) => {
      const args = buildFfmpegArgs({
        source: rtsp,
        outDir,
        socketTimeoutMs: 3000,
        knownCodec: codec,
      });
      expect(valueAfter(args, '-c:v')).toBe('libx264');
      expect(valueAfter(args, '-pix_fmt')).toBe('yuv420p');
    },
  );

  it('drops audio when the camera option says so', () => {
    const args = buildFfmpegArgs({
      source: { ...rtsp, audio: false },
      outDir,
      socketTimeoutMs: 3000,
    });
    expect(args).toContain('-an');
    expect(args).not.toContain('-c:a');
  });

  it('puts percent-encoded credentials only into the input URL', () => {
    const source = { ...rtsp, username: 'ad min', password: 'p@ss:w/rd' };
    const args = buildFfmpegArgs({ source, outDir, socketTimeoutMs: 3000 });
    expect(valueAfter(args, '-i')).toBe('rtsp://ad%20min:p%40ss%3Aw%2Frd@10.0.0.5:554/stream1');
    expect(args.filter((a) => a.includes('p%40ss')).length).toBe(1);
  });

  it("encodes '%' too, so a password like a%41b is not decoded to aAb", () => {
    const args = buildFfmpegArgs({
      source: { ...rtsp, username: 'u', password: 'a%41b' },
      outDir,
      socketTimeoutMs: 3000,
    });
    expect(valueAfter(args, '-i')).toBe('rtsp://u:a%2541b@10.0.0.5:554/stream1');
    expect(decodeURIComponent('a%2541b')).toBe('a%41b');
  });

  it('builds the demo source with a clock only when drawtext exists', () => {
    const withClock = buildFfmpegArgs({
      source: { kind: 'demo' },
      outDir,
      socketTimeoutMs: 3000,
      hasDrawtext: true,
    });
    const without = buildFfmpegArgs({
      source: { kind: 'demo' },
      outDir,
      socketTimeoutMs: 3000,
      hasDrawtext: false,
    });
    expect(withClock.join(' ')).toContain('drawtext=');
    expect(without.join(' ')).not.toContain('drawtext');
    expect(valueAfter(without, '-g')).toBe('25');
  });
});

describe('withCredentials', () => {
  it.each([
    ['not a url', /not a valid URL/],
    ['http://cam/x', /Only rtsp:\/\/ and rtsps:\/\//],
  ])('refuses %s with advice', (url, message) => {
    expect(() => withCredentials(url)).toThrow(message);
  });

  it('leaves a URL without credentials unchanged', () => {
    expect(withCredentials('rtsp://cam:554/a')).toBe('rtsp://cam:554/a');
  });
});

describe('filterSpec and the demo clock’s font', () => {
  const fontFileArg = (args: string[]): string | undefined =>
    /:fontfile=(.*?):fontsize=/.exec(valueAfter(args, '-i') ?? '')?.[1];

  it('escapes a Windows install path twice: the drive colon and every backslash', () => {
    const args = buildFfmpegArgs({
      source: { kind: 'demo' },
      outDir,
      socketTimeoutMs: 3000,
      hasDrawtext: true,
      demoFontFile: 'C:\\Program Files\\Vigil\\resources\\fonts\\DejaVuSansMono.ttf',
    });
    // Graph level turns `\\` into `\` and leaves `:`; option level then turns `\:` into `:`.
    expect(fontFileArg(args)).toBe(
      String.raw`C\\:\\\\Program Files\\\\Vigil\\\\resources\\\\fonts\\\\DejaVuSansMono.ttf`,
    );
  });

  it('escapes quotes, the graph’s separators and edge spaces, and keeps the clock’s own colon', () => {
    expect(filterSpec('drawtext', [['fontfile', " /a'b[c],d;e "]])).toBe(
      String.raw`drawtext=fontfile=\\ /a\\\'b\[c\]\,d\;e\\\ `,
    );
    expect(filterSpec('drawtext', [['text', 'Vigil demo  %{localtime:%X}']])).toBe(
      String.raw`drawtext=text=Vigil demo  %{localtime\\:%X}`,
    );
  });

  it('leaves fontfile out without a font (fontconfig finds one on Linux)', () => {
    const args = buildFfmpegArgs({
      source: { kind: 'demo' },
      outDir,
      socketTimeoutMs: 3000,
      hasDrawtext: true,
    });
    expect(valueAfter(args, '-i')).toContain('drawtext=');
    expect(valueAfter(args, '-i')).not.toContain('fontfile');
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildFfmpegArgs,
  ffconcatQuote,
  filterSpec,
  rtspInputList,
} from '../../src/main/services/streaming/ffmpeg-args';
import { RtspRelay } from '../../src/main/services/streaming/rtsp-relay';

const outDir = '/tmp/vigil-test/session';
const inputList = `${outDir}/input.ffconcat`;

function valueAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('buildFfmpegArgs', () => {
  const rtsp = { kind: 'rtsp' as const, url: 'rtsp://10.0.0.5:554/stream1' };

  it('copies H.264 over TCP into 0.25 s fMP4 HLS segments cut by time, with a socket timeout and a small probe', () => {
    const args = buildFfmpegArgs({ source: rtsp, outDir, socketTimeoutMs: 3000, inputList });
    // The camera is opened through the private input list; TCP and the timeout are in it.
    expect(valueAfter(args, '-f')).toBe('concat');
    expect(valueAfter(args, '-i')).toBe(inputList);
    expect(
      rtspInputList('rtsp://127.0.0.1:1/t/stream1', {
        transport: 'tcp',
        socketTimeoutMs: 3000,
        fastProbe: true,
      }),
    ).toBe(
      [
        'ffconcat version 1.0',
        "file 'rtsp://127.0.0.1:1/t/stream1'",
        'option rtsp_transport tcp',
        'option timeout 3000000',
        'option protocol_whitelist rtsp,rtp,tcp,udp',
        'option analyzeduration 100000',
        'option probesize 32768',
        '',
      ].join('\n'),
    );
    expect(valueAfter(args, '-c:v')).toBe('copy');
    expect(valueAfter(args, '-c:a')).toBe('aac');
    // AAC at 48 kHz whatever the camera sends (G.711 is 8 kHz: 128 ms per AAC frame).
    expect(valueAfter(args, '-ar')).toBe('48000');
    expect(valueAfter(args, '-hls_time')).toBe('0.25');
    expect(valueAfter(args, '-analyzeduration')).toBe('100000');
    expect(valueAfter(args, '-probesize')).toBe('32768');
    expect(valueAfter(args, '-hls_segment_type')).toBe('fmp4');
    // Cut by time: segments may start between keyframes, so they are not declared independent.
    expect(valueAfter(args, '-hls_flags')).toBe(
      'delete_segments+temp_file+split_by_time+program_date_time',
    );
    expect(valueAfter(args, '-protocol_whitelist')).toBe('file,rtsp,rtp,tcp,udp');
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
    const args = buildFfmpegArgs({ source: rtsp, outDir, socketTimeoutMs: 3000, hls, inputList });
    expect(valueAfter(args, '-hls_time')).toBe('2');
    expect(valueAfter(args, '-hls_list_size')).toBe('3');
    expect(valueAfter(args, '-hls_segment_type')).toBe('mpegts');
    expect(valueAfter(args, '-hls_segment_filename')).toBe(`${outDir}/seg-%d.ts`);
    expect(args).not.toContain('-hls_fmp4_init_filename');
    expect(args).not.toContain('-probesize');
    const transcoded = buildFfmpegArgs({
      source: rtsp,
      inputList,
      outDir,
      socketTimeoutMs: 3000,
      hls: { ...hls, transcodeKbps: 800 },
    });
    expect(valueAfter(transcoded, '-c:v')).toBe('libx264');
    expect(valueAfter(transcoded, '-b:v')).toBe('800k');
    expect(valueAfter(transcoded, '-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
  });

  it('uses UDP when the camera asks for it', () => {
    const list = rtspInputList('rtsp://127.0.0.1:1/t/x', {
      transport: 'udp',
      socketTimeoutMs: 3000,
      fastProbe: false,
    });
    expect(list).toContain('option rtsp_transport udp\n');
    expect(list).not.toContain('probesize');
  });

  it.each(['h265', 'mjpeg', 'other'] as const)(
    'transcodes %s to H.264 (Chromium cannot play it)',
    (codec) => {
      const args = buildFfmpegArgs({
        source: rtsp,
        inputList,
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
      inputList,
      outDir,
      socketTimeoutMs: 3000,
    });
    expect(args).toContain('-an');
    expect(args).not.toContain('-c:a');
  });

  it('never puts a camera URL or its credentials on the command line', () => {
    const source = { ...rtsp, username: 'ad min', password: 'p@ss:w/rd' };
    const args = buildFfmpegArgs({ source, outDir, socketTimeoutMs: 3000, inputList });
    const line = args.join(' ');
    for (const secret of ['p@ss', 'p%40ss', 'ad min', 'ad%20min', '10.0.0.5', 'rtsp://']) {
      expect(line).not.toContain(secret);
    }
    expect(() => buildFfmpegArgs({ source, outDir, socketTimeoutMs: 3000 })).toThrow(/input list/);
  });

  it("quotes the list's URL as ffmpeg reads it: a quote survives, a line break is refused", () => {
    expect(ffconcatQuote("rtsp://h/it's")).toBe("'rtsp://h/it'\\''s'");
    expect(ffconcatQuote('rtsp://h/a b\\c#d')).toBe("'rtsp://h/a b\\c#d'");
    expect(() => ffconcatQuote('rtsp://h/a\nfile x')).toThrow(/line break/);
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

describe('the credential relay’s camera URL', () => {
  it.each([
    ['not a url', /not a valid URL/],
    ['http://cam/x', /Only rtsp:\/\/ and rtsps:\/\//],
  ])('refuses %s with advice', async (url, message) => {
    await expect(RtspRelay.start({ url })).rejects.toThrow(message);
  });

  it('gives ffmpeg a loopback URL with a token and the camera’s path, never the camera', async () => {
    const relay = await RtspRelay.start({ url: 'rtsp://cam:554/a?x=1', password: 'pw' });
    try {
      expect(relay.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/a\?x=1$/);
      expect(relay.url).toContain(relay.token);
    } finally {
      await relay.close();
    }
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

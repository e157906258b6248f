import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import {
  boxes,
  hasKeyframe,
  parseInit,
  type TrackTiming,
} from '../../src/main/services/recording/fmp4';

/**
 * A stand-in for main's live fMP4 endpoint (issue 11 §1) on 127.0.0.1: each request gets a
 * never-ending fragmented MP4 from a real ffmpeg (lavfi test pattern at 25 fps, -re), one
 * moof+mdat per frame. Like main's hub it can send a joining viewer its GOP so far at once
 * and drop a slow viewer's fragments until the next keyframe; unlike it, every write is cut
 * at an odd offset, so the player meets boxes split across chunks. A scenario (in the URL)
 * picks the source and the misbehaviour.
 */

export const FFMPEG = process.env.FFMPEG_BIN ?? '/usr/bin/ffmpeg';

export interface Scenario {
  codec?: 'h264' | 'hevc';
  /** H.264 High with 2 B-frames and x264's lookahead, as cameras and NVRs send it. */
  bframes?: boolean;
  /** Keyframe interval in frames (25 = 1 s). */
  gop?: number;
  /** An AAC 44.1 kHz stereo sine as a second track of the same moov. */
  audio?: boolean;
  /**
   * Output held from `atMs` (after the request) for `forMs`, then sent at once. From 0: a
   * viewer joining mid-GOP gets the GOP so far from the cache (ffmpeg starts on a keyframe).
   * Later: a delivery hiccup.
   */
  holds?: Array<{ atMs: number; forMs: number }>;
  /** Fragments dropped from `atMs` for `forMs`, then until the next keyframe (a slow viewer). */
  drop?: { atMs: number; forMs: number };
  /** Then ffmpeg is stopped ('q') and a new one writes into the same response. */
  restartAfterMs?: number;
  /** 'html': an error page; 'boxes': a real init segment, then moofs of 0xFF. */
  garbage?: 'html' | 'boxes';
  /** Any other status is sent with an empty body. */
  status?: number;
}

export interface Connection {
  scenario: Scenario;
  openedAt: number;
  /** When the client went away (Date.now()), null while connected. */
  closedAt: number | null;
  closed: Promise<void>;
  /** Every ffmpeg started for this connection. */
  pids: number[];
  /** Fragments dropped (the `drop` scenario). */
  dropped: number;
}

const FMP4_OUT = [
  ...['-f', 'mp4', '-movflags', '+empty_moov+default_base_moof+frag_every_frame'],
  ...['-flush_packets', '1', 'pipe:1'],
];

/** ffmpeg's arguments for a scenario's live source (stdin stays a pipe: 'q' stops it cleanly). */
export function ffmpegArgs(s: Scenario): string[] {
  const args = ['-hide_banner', '-loglevel', 'error'];
  args.push('-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25');
  if (s.audio) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100');
  const gop = String(s.gop ?? 25);
  if (s.codec === 'hevc') {
    args.push('-c:v', 'libx265', '-tag:v', 'hvc1', '-x265-params', `log-level=error:keyint=${gop}`);
  } else {
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-g', gop);
    args.push(...(s.bframes ? ['-bf', '2'] : ['-tune', 'zerolatency']));
  }
  args.push('-pix_fmt', 'yuv420p');
  if (s.audio) args.push('-c:a', 'aac', '-ac', '2', '-b:a', '96k');
  return [...args, ...FMP4_OUT];
}

/** A real init segment followed by moof+mdat pairs whose moofs are 0xFF throughout. */
async function brokenFragments(): Promise<Buffer> {
  const { stdout } = await promisify(execFile)(
    FFMPEG,
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-t', '0.4'],
      ...['-i', 'testsrc2=size=640x360:rate=25', '-c:v', 'libx264', ...FMP4_OUT],
    ],
    { encoding: 'buffer', maxBuffer: 8 * 1024 * 1024 },
  );
  const out = Buffer.from(stdout);
  for (const box of boxes(out, 0, out.length)) {
    if (box.type === 'moof') out.fill(0xff, box.start, box.end);
  }
  return out;
}

/** Cuts ffmpeg's output into whole top-level boxes (32-bit sizes: ffmpeg writes no others). */
function boxCutter(onBox: (type: string, box: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8 && pending.length >= pending.readUInt32BE(0)) {
      const size = pending.readUInt32BE(0);
      onBox(pending.toString('latin1', 4, 8), pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  };
}

export interface Fmp4LiveServer {
  origin: string;
  url(scenario: Scenario): string;
  connections: Connection[];
  close(): Promise<void>;
}

/** Starts the server; responses allow `pageOrigin()` to read them (CORS), as main's handler does. */
export async function startFmp4LiveServer(pageOrigin: () => string): Promise<Fmp4LiveServer> {
  const connections: Connection[] = [];
  const children = new Set<ChildProcess>();

  /** Runs the scenario's ffmpeg (and its successors) into the response until the client goes. */
  const run = (scenario: Scenario, res: ServerResponse, conn: Connection): void => {
    const elapsed = (): number => Date.now() - conn.openedAt;
    let held: Buffer[] = [];
    let cut = 1;
    const send = (bytes: Buffer): void => {
      if (conn.closedAt !== null) return;
      // Two writes, split at an odd offset that wanders: chunks never line up with boxes.
      cut = (cut * 7 + 13) % 997;
      const at = Math.min(bytes.length, 1 + cut);
      res.write(bytes.subarray(0, at));
      if (at < bytes.length) res.write(bytes.subarray(at));
    };
    // Set and cleared by timers, in order: what comes during a hold goes out after it.
    let holding = false;
    const out = (bytes: Buffer): void => {
      if (holding) held.push(bytes);
      else send(bytes);
    };
    for (const hold of scenario.holds ?? []) {
      setTimeout(() => (holding = true), hold.atMs);
      setTimeout(() => {
        holding = false;
        if (held.length > 0) send(Buffer.concat(held));
        held = [];
      }, hold.atMs + hold.forMs);
    }
    if ((scenario.holds ?? []).some((hold) => hold.atMs === 0)) holding = true;

    let tracks = new Map<number, TrackTiming>();
    let init: Buffer[] = [];
    let moof: Buffer | null = null;
    let awaitingKeyframe = false;
    const onBox = (type: string, box: Buffer): void => {
      if (type === 'ftyp') init = [box];
      else if (type === 'moov') {
        const whole = Buffer.concat([...init, box]);
        tracks = parseInit(whole).tracks;
        out(whole);
      } else if (type === 'moof') moof = box;
      else if (type === 'mdat' && moof) {
        const fragment = Buffer.concat([moof, box]);
        moof = null;
        const { drop } = scenario;
        if (drop && elapsed() >= drop.atMs && elapsed() < drop.atMs + drop.forMs) {
          awaitingKeyframe = true;
        } else if (awaitingKeyframe && hasKeyframe(fragment, tracks)) {
          awaitingKeyframe = false;
        }
        if (awaitingKeyframe) conn.dropped++;
        else out(fragment);
      } else out(box); // mfra at the end of a run: the player must ignore it
    };

    let current: ChildProcess | null = null;
    let restarting = false;
    const start = (): void => {
      if (conn.closedAt !== null) return;
      const child = spawn(FFMPEG, ffmpegArgs(scenario), { stdio: ['pipe', 'pipe', 'ignore'] });
      current = child;
      children.add(child);
      if (child.pid) conn.pids.push(child.pid);
      child.stdout.on('data', boxCutter(onBox));
      child.on('close', () => {
        children.delete(child);
        if (!restarting) return;
        restarting = false;
        start();
      });
    };
    start();
    if (scenario.restartAfterMs !== undefined) {
      setTimeout(() => {
        if (!current || conn.closedAt !== null) return;
        restarting = true;
        // 'q' lets ffmpeg finish its last fragment (and write mfra): no box is cut in two,
        // as main's splitter forwards only whole boxes.
        current.stdin?.end('q');
      }, scenario.restartAfterMs);
    }
    void conn.closed.then(() => {
      restarting = false;
      current?.kill('SIGKILL');
    });
  };

  const server = createServer((req, res) => {
    const raw = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('s') ?? '{}';
    const scenario = JSON.parse(raw) as Scenario;
    let markClosed = (): void => undefined;
    const conn: Connection = {
      scenario,
      openedAt: Date.now(),
      closedAt: null,
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
      pids: [],
      dropped: 0,
    };
    connections.push(conn);
    res.on('close', () => {
      conn.closedAt = Date.now();
      markClosed();
    });
    const headers = {
      'access-control-allow-origin': pageOrigin(),
      'cache-control': 'no-store',
      'content-type': 'video/mp4',
    };
    if (scenario.status !== undefined && scenario.status !== 200) {
      res.writeHead(scenario.status, headers).end();
      return;
    }
    res.writeHead(200, headers);
    if (scenario.garbage === 'html') {
      const page = '<!doctype html><title>502 Bad Gateway</title><h1>Bad Gateway</h1>\n';
      const timer = setInterval(() => res.write(page.repeat(20)), 50);
      void conn.closed.then(() => clearInterval(timer));
    } else if (scenario.garbage === 'boxes') {
      brokenFragments().then(
        (bytes) => res.write(bytes),
        () => res.destroy(),
      );
    } else {
      run(scenario, res, conn);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    origin,
    url: (scenario) => `${origin}/live.mp4?s=${encodeURIComponent(JSON.stringify(scenario))}`,
    connections,
    async close() {
      for (const child of children) child.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealthPanel } from '../../src/renderer/src/common/HealthPanel';
import type { Camera } from '../../src/shared/cameras';
import { DEFAULT_CAMERA_OPTIONS } from '../../src/shared/cameras';
import type { StreamHealth } from '../../src/shared/health';

afterEach(cleanup);

/** Local wall-clock instants, so hh:mm:ss reads the same in any time zone. */
const t = (h: number, m: number, s: number) => new Date(2025, 0, 2, h, m, s).getTime();

const camera: Camera = {
  id: 'c1',
  name: 'Front door',
  source: { kind: 'rtsp', url: 'rtsp://192.168.1.20/stream1' },
  options: DEFAULT_CAMERA_OPTIONS,
  username: 'admin',
  hasPassword: true,
  address: 'rtsp://192.168.1.20/stream1',
  rtspUrl: 'rtsp://admin:****@192.168.1.20/stream1',
  builtIn: false,
  hasSubStream: false,
};

function sample(): StreamHealth {
  return {
    cameraId: 'c1',
    sessionId: 's1',
    at: t(14, 30, 0),
    // Deliberately out of order: the panel lists them oldest first whatever it is given.
    timeline: [
      {
        at: t(14, 27, 44),
        state: 'reconnecting',
        reason: 'camera-ended',
        message: 'The camera stopped sending video',
        attempt: 2,
      },
      { at: t(14, 27, 36), state: 'starting', reason: null, message: null, attempt: null },
      { at: t(14, 27, 38), state: 'live', reason: null, message: null, attempt: null },
      {
        at: t(14, 27, 50),
        state: 'failed',
        reason: 'unauthorized',
        message: 'Wrong password.',
        attempt: null,
      },
    ],
    startup: {
      prepareMs: 200,
      rtspSetupMs: 400,
      firstKeyframeMs: 1_000,
      firstSegmentMs: 400,
      totalMs: 2_000,
    },
    media: {
      videoCodec: 'h264',
      profile: 'High',
      width: 1280,
      height: 720,
      fps: 25,
      gopSec: 4,
      gopAtLeast: false,
      bFrames: false,
      audioCodec: 'pcm_alaw',
      audioSampleRate: 8_000,
      audioChannels: 'mono',
      bitrate: 2_400_000,
      transcoding: false,
      ffmpegCpuPercent: 1.2,
      measuredSec: 12,
    },
    ffmpegTail: [
      "Input #0, rtsp, from 'rtsp://admin:****@192.168.1.20/stream1':",
      '  Stream #0:0: Video: h264 (High), yuv420p, 1280x720, 25 fps',
    ],
  };
}

/** The value cell of a row in one of the panel's tables, by its row header. */
function rowValue(table: HTMLElement, label: string): string {
  const header = within(table).getByRole('rowheader', { name: label });
  const row = header.closest('tr');
  if (!row) throw new Error(`no row for ${label}`);
  return [...row.querySelectorAll('td')].map((td) => td.textContent).join('|');
}

function table(name: string): HTMLElement {
  return screen.getByRole('table', { name });
}

describe('HealthPanel', () => {
  it('shows the measurements and the keyframe advice computed from them', () => {
    render(<HealthPanel health={sample()} camera={camera} />);
    const panel = screen.getByRole('region', { name: 'Health' });
    const media = table('What the camera sends');
    expect(rowValue(media, 'Keyframe interval')).toBe('4.0 s');
    expect(rowValue(media, 'Video')).toBe('H.264 High');
    expect(rowValue(media, 'Resolution')).toBe('1280 × 720');
    expect(rowValue(media, 'Frame rate')).toBe('25 fps');
    expect(rowValue(media, 'B-frames')).toBe('No');
    expect(rowValue(media, 'Audio')).toBe('G.711 A-law, 8 kHz, mono');
    expect(rowValue(media, 'Bitrate')).toBe('2.4 Mbit/s');
    expect(rowValue(media, 'Transcoding')).toBe('No (1 % CPU)');
    expect(within(panel).getByText('Measured over 12 s.')).toBeTruthy();

    const advice = within(panel).getByRole('list', { name: 'What to change' });
    const items = within(advice).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]?.textContent).toContain('Keyframe every 4.0 s');
    expect(items[0]?.textContent).toContain(
      'Set the camera’s I-frame interval (GOP) to its frame rate (25, one keyframe a second) to start about 1.5 s sooner.',
    );
  });

  it('reads an unmeasured GOP as "—", a lower bound as "≥", and a transcode with its CPU', () => {
    const health = sample();
    health.media = {
      ...health.media,
      gopSec: null,
      bFrames: null,
      audioCodec: null,
      transcoding: true,
      videoCodec: 'hevc',
      profile: 'Main',
      ffmpegCpuPercent: 27.2,
    };
    const { rerender } = render(<HealthPanel health={health} camera={camera} />);
    let media = table('What the camera sends');
    expect(rowValue(media, 'Keyframe interval')).toBe('—');
    expect(rowValue(media, 'B-frames')).toBe('—');
    expect(rowValue(media, 'Audio')).toBe('None');
    expect(rowValue(media, 'Video')).toBe('H.265 Main');
    expect(rowValue(media, 'Transcoding')).toBe('Yes (27 % CPU)');

    rerender(
      <HealthPanel
        health={{ ...health, media: { ...health.media, gopSec: 2, gopAtLeast: true } }}
        camera={camera}
      />,
    );
    media = table('What the camera sends');
    expect(rowValue(media, 'Keyframe interval')).toBe('≥ 2.0 s');
  });

  it('has its parts as regions named by their headings, in order', () => {
    render(<HealthPanel health={sample()} camera={camera} />);
    const panel = screen.getByRole('region', { name: 'Health' });
    const parts = within(panel)
      .getAllByRole('region')
      .map((region) => region.querySelector('h3')?.textContent);
    expect(parts).toEqual([
      'What to change',
      'Start-up',
      'What the camera sends',
      'Timeline',
      'ffmpeg output',
    ]);
    expect(within(panel).getByRole('region', { name: 'Start-up' })).toBeTruthy();
  });

  it('says why there is nothing to change for a healthy stream', () => {
    const health = sample();
    health.media.gopSec = 1;
    render(<HealthPanel health={health} camera={camera} />);
    expect(screen.queryByRole('list', { name: 'What to change' })).toBeNull();
    expect(
      screen.getByText(
        'Nothing to change: a keyframe every 1.0 s, and H.264 copied as the camera sends it.',
      ),
    ).toBeTruthy();
  });

  it('draws each start-up step as a bar proportional to its share of the total', () => {
    render(<HealthPanel health={sample()} camera={camera} />);
    const startup = table('Start-up');
    const width = (label: string) => {
      const row = within(startup).getByRole('rowheader', { name: label }).closest('tr');
      return row?.querySelector<HTMLElement>('.health-bar')?.style.width;
    };
    expect(width('Preparing')).toBe('10%');
    expect(width('RTSP set-up')).toBe('20%');
    expect(width('First keyframe')).toBe('50%');
    expect(width('First segment')).toBe('20%');
    expect(rowValue(startup, 'First keyframe')).toBe('|1.0 s');
    expect(rowValue(startup, 'RTSP set-up')).toBe('|0.4 s');
    expect(rowValue(startup, 'Total')).toBe('|2.0 s');
    // No player figure given: no such row.
    expect(within(startup).queryByRole('rowheader', { name: 'Player start' })).toBeNull();
  });

  it('adds the player’s start to the steps and the total, and shows missing steps as "—"', () => {
    const health = sample();
    health.startup = { ...health.startup, prepareMs: 40, firstSegmentMs: null, totalMs: 1_640 };
    render(<HealthPanel health={health} camera={camera} playerStartMs={500} />);
    const startup = table('Start-up');
    const names = within(startup)
      .getAllByRole('rowheader')
      .map((th) => th.textContent);
    expect(names).toEqual([
      'Preparing',
      'RTSP set-up',
      'First keyframe',
      'First segment',
      'Player start',
      'Total',
    ]);
    expect(rowValue(startup, 'First segment')).toBe('|—');
    // A short step keeps a figure above zero.
    expect(rowValue(startup, 'Preparing')).toBe('|0.04 s');
    expect(rowValue(startup, 'Player start')).toBe('|0.5 s');
    expect(rowValue(startup, 'Total')).toBe('|2.1 s');
    const bar = (label: string) =>
      within(startup)
        .getByRole('rowheader', { name: label })
        .closest('tr')
        ?.querySelector<HTMLElement>('.health-bar')?.style.width;
    // Shares of main's total plus the player's: 1640 + 500 = 2140 ms.
    expect(bar('Player start')).toBe('23.4%');
    expect(bar('First keyframe')).toBe('46.7%');
    expect(bar('First segment')).toBe('0%');
  });

  it('lists the timeline oldest first, in words, with local hh:mm:ss', () => {
    render(<HealthPanel health={sample()} camera={camera} />);
    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      '14:27:36 Starting',
      '14:27:38 Live',
      '14:27:44 Reconnecting (attempt 2): The camera stopped sending video',
      '14:27:50 Failed: Wrong password.',
    ]);
  });

  it('keeps the ffmpeg lines in a closed <details>', () => {
    render(<HealthPanel health={sample()} camera={camera} />);
    const pre = screen.getByText(/Input #0, rtsp/);
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe(sample().ffmpegTail.join('\n'));
    const details = pre.closest('details');
    expect(details).not.toBeNull();
    expect(details?.open).toBe(false);
    expect(details?.querySelector('summary')?.textContent).toBe('Show the last 2 lines');
  });

  it('shows the empty state when the camera has no session yet', () => {
    render(<HealthPanel health={null} camera={camera} />);
    expect(
      screen.getByText('No live session yet: watch the camera once to measure it.'),
    ).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows an error as an alert, instead of the empty state', () => {
    render(<HealthPanel health={null} camera={camera} error="Main did not answer." />);
    expect(screen.getByRole('alert').textContent).toBe('Main did not answer.');
    expect(screen.queryByText(/No live session yet/)).toBeNull();
  });

  it('says "Measuring…" while loading, keeping what it shows', () => {
    render(<HealthPanel health={sample()} camera={camera} loading />);
    expect(screen.getByRole('status').textContent).toContain('Measuring…');
    expect(rowValue(table('What the camera sends'), 'Keyframe interval')).toBe('4.0 s');
    cleanup();
    // The first fetch: not yet known whether there was a session, so no empty state.
    render(<HealthPanel health={null} camera={camera} loading />);
    expect(screen.getByRole('status').textContent).toContain('Measuring…');
    expect(screen.queryByText(/No live session yet/)).toBeNull();
  });

  it('offers Close and Refresh only when given, and calls them', () => {
    const onClose = vi.fn();
    const onRefresh = vi.fn();
    const { rerender } = render(<HealthPanel health={sample()} camera={camera} />);
    expect(screen.queryByRole('button')).toBeNull();
    rerender(
      <HealthPanel health={sample()} camera={camera} onClose={onClose} onRefresh={onRefresh} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Close health' }));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });
});

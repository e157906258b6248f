import { useId } from 'react';
import { adviceFor } from '../../../shared/advice';
import type { Camera } from '../../../shared/cameras';
import type { HealthEvent, MediaMeasurements, StreamHealth } from '../../../shared/health';
import { healthAdvice, noAdviceReason, videoCodecLabel } from '../../../shared/health-advice';
import { formatBitrate } from './format';

export interface HealthPanelProps {
  /** Main's measurements of the camera's last or current session; null = never streamed. */
  health: StreamHealth | null;
  camera: Camera | null;
  /** Live → the player's first frame, measured by the window that plays it. */
  playerStartMs?: number | null;
  /** A fetch is under way; what is shown stays until it answers. */
  loading?: boolean;
  error?: string | null;
  onClose?: () => void;
  onRefresh?: () => void;
}

/** A step's duration in seconds: "0.4 s", and "0.04 s" below a tenth. */
export function formatStep(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  // Always seconds, so the steps compare at a glance; two decimals keep a short step above zero.
  const s = Math.max(0, ms) / 1000;
  return `${s.toFixed(s < 0.1 ? 2 : 1)} s`;
}

/** Local wall-clock time as hh:mm:ss, 24 h (a timeline reads the same in every locale). */
export function clockTime(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** One timeline event in words, as the live window's status line says them. */
export function eventText(event: HealthEvent): string {
  const why = (words: string) => (event.message ? `${words}: ${event.message}` : words);
  switch (event.state) {
    case 'waking':
      return 'Waking camera';
    case 'starting':
      return 'Starting';
    case 'live':
      return 'Live';
    case 'stopping':
      return 'Stopping';
    case 'reconnecting':
      return why(
        event.attempt === null ? 'Reconnecting' : `Reconnecting (attempt ${String(event.attempt)})`,
      );
    case 'ended':
      return why('Ended');
    case 'failed':
      if (event.message) return `Failed: ${event.message}`;
      // No message from main: the reason's title, in the card's and live window's words.
      return event.reason
        ? `Failed: ${adviceFor(event.reason, { workedBefore: false }).title}`
        : 'Failed';
  }
}

function audioText(media: MediaMeasurements): string {
  if (media.audioCodec === null) return 'None';
  const names: Record<string, string> = {
    aac: 'AAC',
    pcm_alaw: 'G.711 A-law',
    pcm_mulaw: 'G.711 µ-law',
    opus: 'Opus',
  };
  const parts = [names[media.audioCodec] ?? media.audioCodec.toUpperCase()];
  if (media.audioSampleRate !== null) parts.push(`${String(media.audioSampleRate / 1000)} kHz`);
  if (media.audioChannels !== null) parts.push(media.audioChannels);
  return parts.join(', ');
}

function gopText(media: MediaMeasurements): string {
  if (media.gopSec === null) return '—';
  return `${media.gopAtLeast ? '≥ ' : ''}${media.gopSec.toFixed(1)} s`;
}

function cpuText(percent: number | null): string {
  return percent === null ? 'CPU not measured' : `${String(Math.round(percent))} % CPU`;
}

function mediaRows(media: MediaMeasurements): Array<[string, string]> {
  const video =
    media.videoCodec === null
      ? '—'
      : [videoCodecLabel(media.videoCodec), media.profile].filter(Boolean).join(' ');
  return [
    ['Video', video],
    [
      'Resolution',
      media.width === null || media.height === null
        ? '—'
        : `${String(media.width)} × ${String(media.height)}`,
    ],
    ['Frame rate', media.fps === null ? '—' : `${String(Number(media.fps.toFixed(2)))} fps`],
    ['Keyframe interval', gopText(media)],
    ['B-frames', media.bFrames === null ? '—' : media.bFrames ? 'Yes' : 'No'],
    ['Audio', audioText(media)],
    ['Bitrate', formatBitrate(media.bitrate)],
    [
      'Transcoding',
      media.transcoding
        ? `Yes (${cpuText(media.ffmpegCpuPercent)})`
        : media.ffmpegCpuPercent === null
          ? 'No'
          : `No (${cpuText(media.ffmpegCpuPercent)})`,
    ],
  ];
}

interface Step {
  label: string;
  ms: number | null;
}

/** The start-up steps in order, the player's only when the window measured it. */
function startupSteps(health: StreamHealth, playerStartMs: number | null | undefined): Step[] {
  const { startup } = health;
  const steps: Step[] = [
    { label: 'Preparing', ms: startup.prepareMs },
    { label: 'RTSP set-up', ms: startup.rtspSetupMs },
    { label: 'First keyframe', ms: startup.firstKeyframeMs },
    { label: 'First segment', ms: startup.firstSegmentMs },
  ];
  if (playerStartMs !== undefined) steps.push({ label: 'Player start', ms: playerStartMs });
  return steps;
}

function StartupTable({
  health,
  playerStartMs,
  labelledBy,
}: {
  health: StreamHealth;
  playerStartMs: number | null | undefined;
  labelledBy: string;
}) {
  const steps = startupSteps(health, playerStartMs);
  // Main's wait plus the player's, once the player has measured it.
  const total =
    health.startup.totalMs === null ? null : health.startup.totalMs + (playerStartMs ?? 0);
  // Shares of the whole wait; main's total also holds the moments between steps, and the
  // steps' sum stands in while there is no total, so no bar is ever longer than its track.
  const sum = steps.reduce((acc, s) => acc + (s.ms ?? 0), 0);
  const whole = Math.max(total ?? 0, sum);
  return (
    <table className="health-table health-startup" aria-labelledby={labelledBy}>
      <tbody>
        {steps.map((step) => {
          const share = step.ms === null || whole <= 0 ? 0 : Math.max(0, step.ms) / whole;
          return (
            <tr key={step.label}>
              <th scope="row">{step.label}</th>
              <td className="health-bar-cell" aria-hidden="true">
                <span className="health-bar-track">
                  <span
                    className="health-bar"
                    style={{ width: `${String(Math.round(share * 1000) / 10)}%` }}
                  />
                </span>
              </td>
              <td className="health-num">{formatStep(step.ms)}</td>
            </tr>
          );
        })}
        <tr className="health-total">
          <th scope="row">Total</th>
          <td className="health-bar-cell" aria-hidden="true" />
          <td className="health-num">{formatStep(total)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function measuredOver(seconds: number): string {
  if (!(seconds > 0)) return 'Nothing measured yet.';
  const shown = seconds < 10 ? String(Number(seconds.toFixed(1))) : String(Math.round(seconds));
  return `Measured over ${shown} s.`;
}

/**
 * A camera's health: what to change, where the start-up time went, what the camera sends,
 * what happened when, and ffmpeg's last words. Shows what it is given; the caller fetches.
 */
export function HealthPanel(props: HealthPanelProps) {
  const { health, camera, playerStartMs, loading = false, error = null } = props;
  const id = useId();
  const heading = (part: string) => `${id}-${part}`;
  const advice = health ? healthAdvice(health, camera) : [];
  const timeline = health ? [...health.timeline].sort((a, b) => a.at - b.at) : [];

  return (
    <section className="health" aria-label="Health">
      <header className="health-head">
        <h2>Health{camera ? <span className="health-camera"> · {camera.name}</span> : null}</h2>
        <div className="health-head-actions">
          {loading ? (
            <span className="health-loading" role="status">
              <span className="spinner" aria-hidden="true" /> Measuring…
            </span>
          ) : null}
          {props.onRefresh ? (
            <button onClick={props.onRefresh} disabled={loading}>
              Refresh
            </button>
          ) : null}
          {props.onClose ? (
            <button onClick={props.onClose} aria-label="Close health">
              Close
            </button>
          ) : null}
        </div>
      </header>
      {error ? (
        <p className="error health-error" role="alert">
          {error}
        </p>
      ) : null}
      {health === null && !error && !loading ? (
        <p className="health-empty">No live session yet: watch the camera once to measure it.</p>
      ) : null}
      {health ? (
        <>
          <p className="health-note">As of {clockTime(health.at)}</p>
          <section className="health-part" aria-labelledby={heading('advice')}>
            <h3 id={heading('advice')}>What to change</h3>
            {advice.length > 0 ? (
              <ol className="health-advice" aria-labelledby={heading('advice')}>
                {advice.map((a) => (
                  <li key={a.kind} data-kind={a.kind}>
                    <strong className="health-finding">{a.finding}</strong>
                    <span className="health-advice-text">{a.advice}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="health-fine">Nothing to change: {noAdviceReason(health, camera)}</p>
            )}
          </section>
          <section className="health-part" aria-labelledby={heading('startup')}>
            <h3 id={heading('startup')}>Start-up</h3>
            <StartupTable
              health={health}
              playerStartMs={playerStartMs}
              labelledBy={heading('startup')}
            />
          </section>
          <section className="health-part" aria-labelledby={heading('media')}>
            <h3 id={heading('media')}>What the camera sends</h3>
            <table className="health-table health-media" aria-labelledby={heading('media')}>
              <tbody>
                {mediaRows(health.media).map(([label, value]) => (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    <td>{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="health-note">{measuredOver(health.media.measuredSec)}</p>
          </section>
          <section className="health-part" aria-labelledby={heading('timeline')}>
            <h3 id={heading('timeline')}>Timeline</h3>
            {timeline.length > 0 ? (
              <ol className="health-timeline" aria-labelledby={heading('timeline')}>
                {timeline.map((event, i) => (
                  <li key={`${String(event.at)}-${String(i)}`}>
                    <time dateTime={new Date(event.at).toISOString()}>{clockTime(event.at)}</time>{' '}
                    <span className={`health-state health-state-${event.state}`}>
                      {eventText(event)}
                    </span>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="health-note">Nothing happened yet.</p>
            )}
          </section>
          <section className="health-part" aria-labelledby={heading('ffmpeg')}>
            <h3 id={heading('ffmpeg')}>ffmpeg output</h3>
            <details className="health-ffmpeg">
              <summary>
                {health.ffmpegTail.length > 0
                  ? `Show the last ${String(health.ffmpegTail.length)} lines`
                  : 'Show'}
              </summary>
              {health.ffmpegTail.length > 0 ? (
                <pre>{health.ffmpegTail.join('\n')}</pre>
              ) : (
                <p className="health-note">ffmpeg has printed nothing yet.</p>
              )}
            </details>
          </section>
        </>
      ) : null}
    </section>
  );
}

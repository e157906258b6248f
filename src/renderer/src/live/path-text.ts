import type { PathFallback, PlayerPath } from './use-live-player';

const FALLBACK_WHY: Record<PathFallback['reason'], string> = {
  'no-mse': 'this system has no Media Source player',
  codec: 'this computer cannot decode the camera’s video format',
  append: 'the player refused the camera’s data',
  network: 'the low-latency stream broke off',
  parse: 'the low-latency stream was unreadable',
};

/**
 * What the live window says about how its picture arrives: a short tag, and a sentence
 * with the delay to expect and, on HLS, why the low-latency path is not playing.
 */
export function pathText(
  path: PlayerPath,
  offered: boolean,
  chosen: boolean,
  fallback: PathFallback | null,
): { tag: string; detail: string } {
  if (path === 'low-latency') {
    return {
      tag: 'Low latency',
      detail:
        'Low latency: the camera’s frames go straight to the player, a fraction of a second behind.',
    };
  }
  const why = !chosen
    ? null
    : fallback
      ? FALLBACK_WHY[fallback.reason]
      : offered
        ? null
        : 'the camera’s video is being converted to H.264 for this computer';
  return {
    tag: 'HLS',
    detail: `HLS: about 1.5 s behind the camera.${why ? ` Low latency is off because ${why}.` : ''}`,
  };
}

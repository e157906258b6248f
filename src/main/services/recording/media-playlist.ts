/** One finished segment an HLS media playlist lists. */
export interface ListedSegment {
  /** The segment's number, from its file name (`seg-<n>.m4s`): ffmpeg counts up within a run. */
  num: number;
  name: string;
}

const SEGMENT = /^seg-(\d+)\.m4s$/;

/**
 * The segments of the session's playlist, in order. ffmpeg lists a segment only once it is
 * complete (`temp_file`), so every listed file is whole until `delete_segments` removes it,
 * a full list later (20 × 0.25 s with VIGIL_HLS).
 */
export function listedSegments(text: string): ListedSegment[] {
  const segments: ListedSegment[] = [];
  for (const raw of text.split('\n')) {
    const match = SEGMENT.exec(raw.trim());
    if (match?.[1]) segments.push({ num: Number(match[1]), name: raw.trim() });
  }
  return segments;
}

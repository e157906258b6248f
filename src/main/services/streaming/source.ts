import type { StreamVariant } from '../../../shared/streams';

/** Video codecs a camera may send; only H.264 can be copied for Chromium. */
export type VideoCodec = 'h264' | 'h265' | 'mjpeg' | 'other';

/** An RTSP camera as the pipeline needs it: URL without credentials, credentials apart. */
export interface RtspSource {
  kind: 'rtsp';
  /** rtsp:// or rtsps:// URL without userinfo. */
  url: string;
  username?: string;
  password?: string;
  transport?: 'tcp' | 'udp';
  /** When known (from ONVIF); otherwise learned from ffmpeg's first run. */
  videoCodec?: VideoCodec;
  /** false drops audio; default keeps it when the camera has it. */
  audio?: boolean;
  /** How long to wait for the first segment (battery cameras need longer). */
  startTimeoutMs?: number;
  /** A battery camera: knock (RTSP OPTIONS) until it answers before starting ffmpeg. */
  wake?: boolean;
}

/** The built-in test pattern with a running clock and a tone. */
export interface DemoSource {
  kind: 'demo';
}

export type StreamSource = RtspSource | DemoSource;

/** Turns a camera id into what to stream; the cameras service fills this in. */
export interface SourceResolver {
  /**
   * The camera's main stream, or its sub stream. Throws a UserFacingError when the camera is
   * unknown, or has no sub stream.
   */
  resolve(cameraId: string, variant?: StreamVariant): Promise<StreamSource> | StreamSource;
}

/** The parts of electron-builder's AfterPackContext the hook reads. */
export interface FfmpegPackContext {
  electronPlatformName: string;
  /** builder-util's Arch enum value. */
  arch: number;
  appOutDir: string;
  packager: { projectDir: string; getResourcesDir(appOutDir: string): string };
}

export interface PlaceFfmpegOptions {
  env?: Record<string, string | undefined>;
  /** "<platform>-<arch>" of the machine running the build. */
  hostKey?: string;
  /** Where ffmpeg-static is installed (its download sits there). */
  ffmpegStaticDir?: string | null;
}

export function ffmpegSourceKey(platform: string, arch: string): string;
export function findFfmpegSource(
  key: string,
  options: Required<Pick<PlaceFfmpegOptions, 'env' | 'hostKey' | 'ffmpegStaticDir'>>,
): string;
export function placeFfmpeg(
  context: FfmpegPackContext,
  options?: PlaceFfmpegOptions,
): Promise<void>;
export default function afterPack(context: FfmpegPackContext): Promise<void>;

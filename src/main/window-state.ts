import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/**
 * What is remembered under a key: the window's bounds, and for a camera's live window
 * (`live:<cameraId>`) whether it was a mini player and kept on top. Both flags are optional
 * so files written before they existed load as they are (a window that was neither).
 */
export interface WindowState extends Bounds {
  mini?: boolean;
  pinned?: boolean;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Keeps remembered bounds usable: a window saved on a screen that is gone comes back centered,
 * and none comes back smaller than `floor` (a mini player has a smaller floor than a window).
 */
export function fitToDisplays(
  bounds: Bounds,
  workAreas: Area[],
  floor: { width: number; height: number } = { width: 320, height: 240 },
): Bounds {
  const width = Math.max(floor.width, Math.round(bounds.width));
  const height = Math.max(floor.height, Math.round(bounds.height));
  if (bounds.x === undefined || bounds.y === undefined) return { width, height };
  const { x, y } = bounds;
  // At least a 100×50 piece of the title bar area must be on some display.
  const visible = workAreas.some(
    (a) =>
      x + width - 100 >= a.x && x + 100 <= a.x + a.width && y >= a.y && y + 50 <= a.y + a.height,
  );
  return visible ? { x: Math.round(x), y: Math.round(y), width, height } : { width, height };
}

/**
 * Remembered window bounds by key (e.g. "live:<cameraId>", and "live-mini:<cameraId>" for the
 * camera's mini player), saved atomically, debounced.
 */
export class WindowStateStore {
  private state: Record<string, WindowState> = {};
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly path: string,
    private readonly debounceMs = 500,
  ) {}

  async load(): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') {
        for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
          const b = value as Partial<Record<keyof WindowState, unknown>> | null;
          if (b && typeof b.width === 'number' && typeof b.height === 'number') {
            this.state[key] = {
              width: b.width,
              height: b.height,
              ...(typeof b.x === 'number' && typeof b.y === 'number' ? { x: b.x, y: b.y } : {}),
              // Only real booleans: anything else is as if the flag had never been written.
              ...(typeof b.mini === 'boolean' ? { mini: b.mini } : {}),
              ...(typeof b.pinned === 'boolean' ? { pinned: b.pinned } : {}),
            };
          }
        }
      }
    } catch {
      // No file yet, or an unreadable one: windows open at their default size.
    }
  }

  get(key: string): WindowState | undefined {
    return this.state[key];
  }

  /** Replaces what is remembered under the key (flags not given are not kept). */
  set(key: string, state: WindowState): void {
    this.state[key] = state;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Writes now (at quit). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await writeFileAtomic(this.path, JSON.stringify(this.state, null, 2)).catch(() => undefined);
  }
}

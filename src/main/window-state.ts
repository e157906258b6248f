import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Keeps remembered bounds usable: a window saved on a screen that is gone comes back centered. */
export function fitToDisplays(bounds: Bounds, workAreas: Area[]): Bounds {
  const width = Math.max(320, Math.round(bounds.width));
  const height = Math.max(240, Math.round(bounds.height));
  if (bounds.x === undefined || bounds.y === undefined) return { width, height };
  const { x, y } = bounds;
  // At least a 100×50 piece of the title bar area must be on some display.
  const visible = workAreas.some(
    (a) =>
      x + width - 100 >= a.x && x + 100 <= a.x + a.width && y >= a.y && y + 50 <= a.y + a.height,
  );
  return visible ? { x: Math.round(x), y: Math.round(y), width, height } : { width, height };
}

/** Remembered window bounds by key (e.g. "live:<cameraId>"), saved atomically, debounced. */
export class WindowStateStore {
  private state: Record<string, Bounds> = {};
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
          const b = value as Partial<Bounds> | null;
          if (b && typeof b.width === 'number' && typeof b.height === 'number') {
            this.state[key] = {
              width: b.width,
              height: b.height,
              ...(typeof b.x === 'number' && typeof b.y === 'number' ? { x: b.x, y: b.y } : {}),
            };
          }
        }
      }
    } catch {
      // No file yet, or an unreadable one: windows open at their default size.
    }
  }

  get(key: string): Bounds | undefined {
    return this.state[key];
  }

  set(key: string, bounds: Bounds): void {
    this.state[key] = bounds;
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

import { randomUUID } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { UserFacingError } from '../../../shared/errors';
import { cleanLabel } from '../../../shared/text';
import {
  MAX_WALL_CAMERAS,
  MAX_WALL_NAME,
  WALL_LAYOUTS,
  type Wall,
  type WallInput,
} from '../../../shared/walls';
import { SerialRunner } from '../async/serial-queue';

const wallSchema = z.object({
  id: z.string().min(1).max(200),
  name: z
    .string()
    .min(1)
    .max(MAX_WALL_NAME * 2),
  layout: z.enum(WALL_LAYOUTS as [Wall['layout'], ...Array<Wall['layout']>]),
  cameraIds: z.array(z.string().min(1).max(200)).max(MAX_WALL_CAMERAS),
  openAtStart: z.boolean(),
});
const fileSchema = z.object({ version: z.literal(1), walls: z.array(wallSchema) });

export interface WallStoreOptions {
  /** walls.json; without it the walls live in memory (tests, tools). */
  file?: string;
  /** Whether a camera id is in the camera list now. */
  knownCamera: (cameraId: string) => boolean;
  /** After every saved change: the walls as pages see them. */
  onChange?: (walls: Wall[]) => void;
  newId?: () => string;
}

/**
 * The saved walls, in their own small file (atomic writes; a damaged file is set aside, never
 * overwritten). A camera removed from the list disappears from every wall as it is read, and is
 * left out of the file at the wall's next save: an Undo of the removal brings it back.
 */
export class WallStore {
  private walls: Wall[] = [];
  /** The walls as pages were last told (JSON), so an unrelated camera change says nothing. */
  private told = '[]';
  private readonly writes = new SerialRunner();
  private readonly opts: WallStoreOptions;

  constructor(opts: WallStoreOptions) {
    this.opts = opts;
  }

  /** Reads the file. A damaged one is renamed aside (its name in the warning) and not used. */
  async load(): Promise<string[]> {
    const { file } = this.opts;
    if (!file) return [];
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? [] : [`Vigil could not read your walls (${code ?? 'error'}).`];
    }
    let problem: string;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        this.walls = parsed.data.walls;
        this.told = JSON.stringify(this.list());
        return [];
      }
      problem = parsed.error.issues[0]?.message ?? 'not a walls file';
    } catch {
      problem = 'not JSON';
    }
    const aside = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(file, aside);
      return [
        `Your saved walls could not be read (${problem}); the file was kept as ${aside}. Create the walls again.`,
      ];
    } catch {
      return [`Your saved walls could not be read (${problem}).`];
    }
  }

  /** Every wall, without cameras that are no longer in the list. */
  list(): Wall[] {
    return this.walls.map((wall) => this.present(wall));
  }

  get(wallId: string): Wall | undefined {
    const wall = this.walls.find((w) => w.id === wallId);
    return wall ? this.present(wall) : undefined;
  }

  /** Walls that open when Vigil starts. */
  atStart(): Wall[] {
    return this.list().filter((w) => w.openAtStart);
  }

  add(input: WallInput): Promise<Wall> {
    return this.writes.run(async () => {
      const wall: Wall = { id: this.opts.newId?.() ?? randomUUID(), ...this.checked(input, null) };
      await this.save([...this.walls, wall]);
      return this.present(wall);
    });
  }

  update(wallId: string, input: WallInput): Promise<Wall> {
    return this.writes.run(async () => {
      const current = this.stored(wallId);
      const wall: Wall = { id: wallId, ...this.checked(input, current) };
      await this.save(this.walls.map((w) => (w.id === wallId ? wall : w)));
      return this.present(wall);
    });
  }

  remove(wallId: string): Promise<void> {
    return this.writes.run(async () => {
      this.stored(wallId);
      await this.save(this.walls.filter((w) => w.id !== wallId));
    });
  }

  /**
   * The camera list changed: pages see the walls without the cameras that left it (or with
   * one whose removal was undone). Told only when a wall's cameras did change.
   */
  camerasChanged(): void {
    const list = this.list();
    if (JSON.stringify(list) !== this.told) this.tell(list);
  }

  private tell(list: Wall[]): void {
    this.told = JSON.stringify(list);
    this.opts.onChange?.(list);
  }

  private present(wall: Wall): Wall {
    return { ...wall, cameraIds: wall.cameraIds.filter((id) => this.opts.knownCamera(id)) };
  }

  private stored(wallId: string): Wall {
    const wall = this.walls.find((w) => w.id === wallId);
    if (!wall) {
      throw new UserFacingError(
        'wall-not-found',
        'This wall is no longer saved. Create it again from the dashboard.',
      );
    }
    return wall;
  }

  private checked(input: WallInput, current: Wall | null): Omit<Wall, 'id'> {
    const name = cleanLabel(input.name, MAX_WALL_NAME);
    if (!name) throw new UserFacingError('invalid-wall', 'Give the wall a name.');
    const taken = this.walls.some(
      (w) => w.id !== current?.id && w.name.toLocaleLowerCase() === name.toLocaleLowerCase(),
    );
    if (taken) {
      throw new UserFacingError(
        'wall-name-taken',
        `A wall named “${name}” exists already. Choose another name.`,
      );
    }
    const cameraIds = [...new Set(input.cameraIds)];
    if (cameraIds.length > MAX_WALL_CAMERAS) {
      throw new UserFacingError(
        'invalid-wall',
        `A wall shows at most ${String(MAX_WALL_CAMERAS)} cameras. Leave some out, or make a second wall.`,
      );
    }
    if (cameraIds.some((id) => !this.opts.knownCamera(id))) {
      throw new UserFacingError(
        'camera-not-found',
        'A camera you picked is no longer in your list. Pick the cameras again.',
      );
    }
    return {
      name,
      layout: input.layout,
      cameraIds,
      openAtStart: input.openAtStart ?? current?.openAtStart ?? false,
    };
  }

  /** Written before it counts: a failed save changes nothing and says what to do. */
  private async save(walls: Wall[]): Promise<void> {
    const kept = walls.map((wall) => this.present(wall));
    if (this.opts.file) {
      try {
        await writeFileAtomic(
          this.opts.file,
          `${JSON.stringify({ version: 1, walls: kept }, null, 2)}\n`,
          { mode: 0o600 },
        );
      } catch (error) {
        throw new UserFacingError(
          'save-failed',
          `Vigil could not save your walls (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check free disk space, then try again.`,
        );
      }
    }
    this.walls = kept;
    this.tell(this.list());
  }
}

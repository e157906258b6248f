import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { DemoCameraChange, DemoCameraState } from '../../../shared/cameras';
import { UserFacingError } from '../../../shared/errors';
import { SerialRunner } from '../async/serial-queue';

const fileSchema = z.object({
  mode: z.enum(['auto', 'shown', 'hidden']),
  notice: z.boolean(),
});

const DEFAULT_STATE: DemoCameraState = { mode: 'auto', notice: false };

/**
 * Whether the demo camera is listed, and whether the user still has to hear that adding
 * their first camera hid it. Kept in its own small file (atomic writes, like the camera
 * list) so a camera list of a newer Vigil, which this one never writes, cannot block it.
 * Without a path it lives in memory (tests, tools).
 */
export class DemoSetting {
  private state: DemoCameraState = DEFAULT_STATE;
  private readonly writes = new SerialRunner();

  constructor(private readonly path?: string) {}

  /** Reads the file; an unreadable one is reported (and replaced on the next change). */
  async load(): Promise<string[]> {
    if (!this.path) return [];
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      return [this.unreadable((error as NodeJS.ErrnoException).code ?? 'unreadable')];
    }
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        this.state = parsed.data;
        return [];
      }
      return [this.unreadable(parsed.error.issues[0]?.message ?? 'unreadable')];
    } catch {
      return [this.unreadable('not JSON')];
    }
  }

  get(): DemoCameraState {
    return { ...this.state };
  }

  /** Whether the demo camera belongs in a list of `cameras` cameras. */
  listed(cameras: number): boolean {
    return this.state.mode === 'shown' || (this.state.mode === 'auto' && cameras === 0);
  }

  /** The user's choice; it settles the notice too. Saved before it counts. */
  set(change: DemoCameraChange): Promise<DemoCameraState> {
    return this.writes.run(async () => {
      const next: DemoCameraState =
        'show' in change
          ? { mode: change.show ? 'shown' : 'hidden', notice: false }
          : { ...this.state, notice: false };
      try {
        await this.save(next);
      } catch (error) {
        throw new UserFacingError(
          'save-failed',
          `Vigil could not save this choice (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check free disk space, then try again.`,
        );
      }
      this.state = next;
      return this.get();
    });
  }

  /**
   * The first camera was just added: a demo camera listed only while the list was empty
   * goes, and the user is told. True when that happened.
   */
  firstCameraAdded(): Promise<boolean> {
    return this.writes.run(async () => {
      if (this.state.mode !== 'auto' || this.state.notice) return false;
      this.state = { ...this.state, notice: true };
      // The notice shows in this run even if the file cannot be written; the camera is added.
      await this.save(this.state).catch(() => undefined);
      return true;
    });
  }

  private async save(state: DemoCameraState): Promise<void> {
    if (!this.path) return;
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`, {
      mode: 0o600,
    });
  }

  private unreadable(reason: string): string {
    return (
      `Vigil could not read its demo camera setting (${reason}), so the demo camera is shown ` +
      `only while you have no cameras. Show or hide it from the dashboard to save your choice again.`
    );
  }
}

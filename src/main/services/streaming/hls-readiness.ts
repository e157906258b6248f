import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAYLIST_NAME } from '../../../shared/streams';

/**
 * Watches a session directory and says when ffmpeg's playlist lists a finished segment:
 * the moment a player can start. ffmpeg lists a segment only once it has closed it (the
 * `temp_file` flag), so one `#EXTINF:` is proof enough.
 */
export class HlsReadiness {
  private watcher: FSWatcher | null = null;
  private checking = false;

  /**
   * @param dir the session directory ffmpeg writes into
   * @param wanted whether a ready playlist counts now (asked before and after reading)
   * @param onReady called each time a check finds the playlist ready while wanted
   */
  constructor(
    private readonly dir: string,
    private readonly wanted: () => boolean,
    private readonly onReady: () => void,
  ) {}

  /** Starts watching the (existing) directory. */
  watch(): void {
    this.watcher = watch(this.dir, () => void this.check());
    this.watcher.on('error', () => {
      // The directory went away under us (stop or failure); the exit path reports it.
    });
  }

  /** Reads the playlist now (also a cheap second trigger on each ffmpeg progress report). */
  async check(): Promise<void> {
    if (!this.wanted() || this.checking) return;
    this.checking = true;
    try {
      const text = await readFile(join(this.dir, PLAYLIST_NAME), 'utf8');
      if (text.includes('#EXTINF:') && this.wanted()) this.onReady();
    } catch {
      // Not written yet.
    } finally {
      this.checking = false;
    }
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

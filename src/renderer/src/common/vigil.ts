import type { VigilApi } from '../../../preload/api';

/** The preload's api; one accessor so components and tests agree on where it lives. */
export function vigil(): VigilApi {
  return window.vigil;
}

import { DEMO_CAMERA_ID, type Camera } from '../../../shared/cameras';
import {
  layoutCapacity,
  layoutLabel,
  MAX_WALL_CAMERAS,
  type Wall,
  type WallLayout,
} from '../../../shared/walls';

/** How many camera names a wall's row spells out before "and N more". */
export const NAMES_SHOWN = 3;

/** Names compare as a user reads them: case and surrounding spaces make no other wall. */
function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** "Wall 1", "Wall 2"…: the first one no saved wall is called. */
export function suggestWallName(walls: ReadonlyArray<Wall>): string {
  const taken = new Set(walls.map((w) => nameKey(w.name)));
  for (let n = 1; ; n++) {
    const name = `Wall ${String(n)}`;
    if (!taken.has(nameKey(name))) return name;
  }
}

/** Another wall already called this (said under the field before main refuses it). */
export function sameNameWall(
  name: string,
  walls: ReadonlyArray<Wall>,
  exceptId: string | undefined,
): Wall | undefined {
  const key = nameKey(name);
  return key ? walls.find((w) => w.id !== exceptId && nameKey(w.name) === key) : undefined;
}

/** How many cameras a layout takes: its tiles, or for "fit" as many as a wall may have. */
export function wallCapacity(layout: WallLayout): number {
  return layoutCapacity(layout, MAX_WALL_CAMERAS);
}

function cameras(n: number): string {
  return n === 1 ? '1 camera' : `${String(n)} cameras`;
}

/** What a layout choice says next to its name: how many cameras it shows. */
export function capacityText(layout: WallLayout): string {
  return layout === 'fit'
    ? `up to ${String(MAX_WALL_CAMERAS)} cameras, sized to the window`
    : cameras(wallCapacity(layout));
}

/** Why no more cameras can be ticked (or why too many are), or null while there is room. */
export function capacityNote(layout: WallLayout, ticked: number): string | null {
  const capacity = wallCapacity(layout);
  const label = layoutLabel(layout);
  if (ticked > capacity) {
    const extra = ticked - capacity;
    return `${label} shows ${cameras(capacity)}; ${String(ticked)} are ticked. Untick ${String(extra)} or pick a larger layout.`;
  }
  if (ticked < capacity) return null;
  if (capacity >= MAX_WALL_CAMERAS)
    return `A wall shows at most ${String(MAX_WALL_CAMERAS)} cameras.`;
  return `${label} shows ${cameras(capacity)}: pick a larger layout for more`;
}

/** One line of the dialog's camera checklist. */
export interface CameraChoice {
  id: string;
  name: string;
}

/** A camera the wall holds that the dashboard does not list: the hidden demo camera. */
function unlistedName(cameraId: string): string {
  return cameraId === DEMO_CAMERA_ID ? 'Demo camera (hidden)' : 'A camera no longer listed';
}

/**
 * The checklist: every camera in the dashboard's order, then any the wall holds that the
 * dashboard does not list (main keeps the hidden demo camera on a wall), so editing the wall
 * neither drops them unseen nor counts them unseen.
 */
export function cameraChoices(
  listed: ReadonlyArray<Camera>,
  onWall: ReadonlyArray<string>,
): CameraChoice[] {
  const known = new Set(listed.map((c) => c.id));
  return [
    ...listed.map((c) => ({ id: c.id, name: c.name })),
    ...onWall.filter((id) => !known.has(id)).map((id) => ({ id, name: unlistedName(id) })),
  ];
}

/**
 * The wall's tile order after an edit: the cameras it kept in the order it had (a reorder made
 * in the wall window survives), then the newly ticked ones in the checklist's order.
 */
export function orderedCameraIds(
  original: ReadonlyArray<string>,
  ticked: ReadonlySet<string>,
  choices: ReadonlyArray<CameraChoice>,
): string[] {
  const kept = original.filter((id) => ticked.has(id));
  const keptSet = new Set(kept);
  return [...kept, ...choices.map((c) => c.id).filter((id) => ticked.has(id) && !keptSet.has(id))];
}

/** A wall's row: "3 cameras: Porch, Garage, Drive", "5 cameras: … and 2 more", "No cameras". */
export function wallSummary(wall: Wall, listed: ReadonlyArray<Camera>): string {
  const count = wall.cameraIds.length;
  if (count === 0) return 'No cameras';
  const byId = new Map(listed.map((c) => [c.id, c.name]));
  const names = wall.cameraIds
    .map((id) => byId.get(id) ?? (id === DEMO_CAMERA_ID ? 'Demo camera' : undefined))
    .filter((name): name is string => name !== undefined)
    .slice(0, NAMES_SHOWN);
  if (names.length === 0) return cameras(count);
  const more = count - names.length;
  return `${cameras(count)}: ${names.join(', ')}${more > 0 ? ` and ${String(more)} more` : ''}`;
}

/**
 * The window's size and position, remembered between launches, and only restored when it still
 * fits on a connected display (a monitor may have been unplugged).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../platform/data-dir';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1200, height: 800 };

export function loadBounds(file: string, workAreas: Bounds[]): Bounds | null {
  if (!existsSync(file)) return null;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Bounds;
    const valid = ['x', 'y', 'width', 'height'].every((k) => Number.isFinite(saved[k as keyof Bounds]));
    return valid && workAreas.some((area) => overlapsEnough(saved, area)) ? saved : null;
  } catch {
    return null;
  }
}

export function saveBounds(file: string, bounds: Bounds): void {
  writeFileAtomic(file, JSON.stringify(bounds));
}

/** At least a 100 × 100 corner of the window is on the display. */
function overlapsEnough(window: Bounds, area: Bounds): boolean {
  const width = Math.min(window.x + window.width, area.x + area.width) - Math.max(window.x, area.x);
  const height = Math.min(window.y + window.height, area.y + area.height) - Math.max(window.y, area.y);
  return width >= 100 && height >= 100;
}

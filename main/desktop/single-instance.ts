/**
 * A desktop launch does its start-up work only in the instance that holds Electron's
 * single-instance lock. Any other instance asks for that lock before anything else, and quits
 * without starting a core or touching a data dir: starting one would take the running app's turns
 * for leftovers of a crash. (The running app shows its window on the `second-instance` event.)
 */

export interface InstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
}

/** Runs `start` only when this is the first instance; returns whether it was. */
export function startIfFirstInstance(app: InstanceApp, start: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  start();
  return true;
}

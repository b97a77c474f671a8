/**
 * A GUI-launched app does not get the PATH of the user's login shell (macOS starts apps with a
 * bare PATH), so `claude` installed with npm or Homebrew would not be found. The user's shell is
 * asked once, with a timeout, and its PATH merged in front of the current one.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const MARK = '__HELIX_PATH__';

export function loginShellPath(shell: string | undefined, timeoutMs = 3000): Promise<string | null> {
  if (!shell || process.platform === 'win32') return Promise.resolve(null);
  return new Promise((resolve) => {
    // Interactive login shells print banners and rc noise: the PATH is taken between markers.
    execFile(shell, ['-ilc', `printf '${MARK}%s${MARK}' "$PATH"`], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => {
      const match = new RegExp(`${MARK}(.*?)${MARK}`, 's').exec(stdout ?? '');
      resolve(error && !match ? null : (match?.[1] ?? null));
    });
  });
}

/** The shell's entries first, then any of the current ones it lacks; no duplicates or empties. */
export function mergePath(shellPath: string | null, current: string | undefined): string {
  const entries = [...(shellPath ?? '').split(path.delimiter), ...(current ?? '').split(path.delimiter)].filter(Boolean);
  return [...new Set(entries)].join(path.delimiter);
}

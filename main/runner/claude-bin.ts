/**
 * Where the `claude` executable is: HELIX_CLAUDE_BIN, else `claude` on PATH, else the native
 * binary of the installed `@anthropic-ai/claude-code` package. npm 11 does not run that
 * package's install script, so its `bin/` entry may be a placeholder; the per-platform optional
 * dependency (`@anthropic-ai/claude-code-<platform>-<arch>/claude`) always holds the real binary.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ClaudeBinLookup {
  /** The executable to run, or null when none was found. */
  path: string | null;
  /** Every place looked at, for the error message. */
  searched: string[];
}

export function findClaudeBin(env: NodeJS.ProcessEnv = process.env): ClaudeBinLookup {
  const searched: string[] = [];
  const explicit = env.HELIX_CLAUDE_BIN?.trim();
  if (explicit) {
    if (isExecutable(explicit)) return { path: path.resolve(explicit), searched: [`HELIX_CLAUDE_BIN=${explicit}`] };
    const why = existsSync(explicit) ? (statSync(explicit).isFile() ? 'not executable: chmod +x it' : 'not a file') : 'no such file';
    return { path: null, searched: [`HELIX_CLAUDE_BIN=${explicit} (${why})`] };
  }

  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    // npm scripts put node_modules/.bin first; its `claude` is the package's unreplaced placeholder.
    if (!dir || dir.split(path.sep).includes('node_modules')) continue;
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) return { path: candidate, searched: [...searched, 'PATH'] };
  }
  searched.push('PATH');

  const pkg = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`;
  searched.push(pkg);
  try {
    const require = createRequire(import.meta.url);
    const candidate = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), exe);
    if (isExecutable(candidate)) return { path: candidate, searched };
  } catch {
    // package not installed for this platform
  }
  return { path: null, searched };
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

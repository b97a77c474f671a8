/**
 * The app's data directory: sessions, workspaces, the generated API key and the user's copy of
 * llm-providers.yaml. Files are written whole (temp file + rename), never half.
 */
import { randomBytes, createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';

export function defaultDataDir(): string {
  return envPaths('helix-desktop', { suffix: '' }).data;
}

/**
 * The config shipped with the app (`config/llm-providers.yaml`), copied into the data dir on
 * first run. Looked for above this module, which sits at a different depth in source and build.
 */
export function shippedConfigPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = path.join(dir, 'config', 'llm-providers.yaml');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('the shipped config/llm-providers.yaml is missing from this installation');
}

/**
 * A write in the data dir that failed: the disk is full, read-only or not ours. It fails the
 * request or the run that needed it, never the app; `code` and `path` are the OS's.
 */
export class StorageError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path} (${(cause as Error).message})`, { cause });
    this.code = (cause as NodeJS.ErrnoException).code;
  }
}

/** The room left on the data dir's disk for this user, or null when the system cannot tell. */
export function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/**
 * For a record whose loss must not undo what it records (an answer already given): a failed write
 * is reported on stderr, and what is in memory is written with the next change.
 */
export function writeOrWarn(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    console.error(`Helix: ${error.message}`);
  }
}

/** Makes a folder (and its parents); a failure is a StorageError naming it. */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StorageError(dir, error);
  }
}

/** Writes a file whole or not at all: a failed write leaves the old file and no temp file behind. */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o644): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, content, { mode });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new StorageError(file, error);
  }
}

/** The config to use: the one given, else the data dir's copy (created from the shipped one). */
export function resolveConfigPath(explicit: string | undefined, dataDir: string): string {
  if (explicit) return path.resolve(explicit);
  const file = path.join(dataDir, 'llm-providers.yaml');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(shippedConfigPath(), file);
  }
  return file;
}

/** HELIX_API_KEY, else the key generated on first run and kept (owner-only) in the data dir. */
export function resolveApiKey(env: NodeJS.ProcessEnv, dataDir: string): { key: string; source: string } {
  const fromEnv = env.HELIX_API_KEY?.trim();
  if (fromEnv) return { key: fromEnv, source: 'HELIX_API_KEY' };
  const file = path.join(dataDir, 'api-key');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored) return { key: stored, source: file };
  }
  const key = `sk-helix-${randomBytes(24).toString('base64url')}`;
  writeFileAtomic(file, `${key}\n`, 0o600);
  chmodSync(file, 0o600);
  return { key, source: file };
}

/**
 * A short TMPDIR of the app's own for the CLI: it puts unix sockets there, whose paths must stay
 * under ~104 bytes, so a deep data dir cannot be used directly.
 */
export function runTmpDir(dataDir: string): string {
  const tag = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `helix-${tag}`);
}

/**
 * The diagnostic log: what the app decided and why (servers' requests, runs started and stopped,
 * services restarted, uncaught errors), as JSON lines in `<data dir>/logs/helix.log`, size-bounded.
 * Created once by the composition root; modules take the small DiagLog interface, so a test can
 * pass its own and a module used without one logs nothing.
 *
 * What goes in is chosen field by field (allowlists): a request is its method, path without query,
 * status and latency — never its headers or body; a process is its pid and exit — never its
 * environment. Secrets therefore have no way in.
 */
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { LOG_LEVELS, type LogLevel } from '../../common/control';
import { RotatingFile } from './rotating-file';

type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** What a module needs to log; pino's Logger is one. */
export interface DiagLog {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  child(bindings: Record<string, unknown>): DiagLog;
}

/** For modules used without a log (tests, the standalone proxy). */
export const NO_LOG: DiagLog = { fatal: () => undefined, error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => NO_LOG };

export const LOG_FILE_BYTES = 5 * 1024 * 1024;
export const LOG_FILES = 3;

export interface DiagLogFile {
  /** The root logger: pass `log.child({ component })` to each module, or the logger itself to Fastify. */
  log: Logger;
  /** The file written now (older ones are `<file>.1`, `<file>.2`). */
  file: string;
  files: string[];
  close(): void;
}

export interface DiagLogOptions {
  dir: string;
  level?: LogLevel | 'silent';
  maxBytes?: number;
  files?: number;
}

export function openDiagLog(options: DiagLogOptions): DiagLogFile {
  const file = path.join(options.dir, 'helix.log');
  const destination = new RotatingFile({ file, maxBytes: options.maxBytes ?? LOG_FILE_BYTES, files: options.files ?? LOG_FILES });
  const log = pino(
    {
      level: options.level ?? 'info',
      // No hostname or pid on every line: records name the processes they are about (`pid`).
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Labels rather than numbers, so the file reads well with `cat` or `jq`.
      formatters: { level: (label) => ({ level: label }) },
      // Fastify hands its request and reply to the logger (e.g. with a 5xx): only these fields pass.
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, path: pathOnly(req.url) }),
        res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
        err: errorFields,
      },
    },
    destination,
  );
  return { log, file, files: destination.paths, close: () => destination.close() };
}

/** The level in force: HELIX_LOG_LEVEL when it names one, else the config's `settings.log_level`. */
export function resolveLogLevel(fromEnv: string | undefined, fromConfig: LogLevel | 'silent'): LogLevel | 'silent' {
  const wanted = fromEnv?.trim().toLowerCase();
  return wanted && isLevel(wanted) ? wanted : fromConfig;
}

export function isLevel(value: string): value is LogLevel | 'silent' {
  return value === 'silent' || (LOG_LEVELS as readonly string[]).includes(value);
}

/** An error's name, message, code and stack: not its other properties (a spawn error's arguments, a request's options). */
function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { type: error.name, message: error.message, code: (error as NodeJS.ErrnoException).code, stack: error.stack };
}

/** A URL's path: queries can carry tokens (the control panel's event stream does). */
export function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

/**
 * Errors nothing caught, recorded in the diagnostic log instead of vanishing with the process.
 * A rejected promise nobody awaited ends only the work it belonged to: the app keeps running.
 * A thrown exception may have left state half-changed: `onException` decides (the headless
 * server exits after the record is written; the desktop app, like Electron itself, carries on).
 */
import type { DiagLog } from './diag-log';

type ProcessEvents = Pick<NodeJS.Process, 'on' | 'off'>;

export function logUncaught(log: DiagLog, target: ProcessEvents = process, onException?: (error: unknown) => void): () => void {
  const rejection = (reason: unknown): void => log.error({ err: asError(reason) }, 'unhandled promise rejection');
  const exception = (error: unknown): void => {
    log.fatal({ err: asError(error) }, 'uncaught exception');
    onException?.(error);
  };
  target.on('unhandledRejection', rejection);
  target.on('uncaughtException', exception);
  return () => {
    target.off('unhandledRejection', rejection);
    target.off('uncaughtException', exception);
  };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

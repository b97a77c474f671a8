/**
 * Runtime checks of each command's arguments, beside the contract's types: the HTTP adapter
 * and the IPC adapter receive them from outside the process.
 */
import { APPROVAL_DECISIONS } from '../../common/approval';
import { LOG_LEVELS, type CommandName } from '../../common/control';

const SETTING_KEYS = new Set(['run_timeout_seconds', 'keepalive_seconds', 'max_retries', 'permission_mode', 'max_concurrent_runs', 'on_disconnect']);

const text = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length < 10_000;
const oneText = (args: unknown[]): boolean => args.length === 1 && text(args[0]);
const oneComponent = (args: unknown[]): boolean => args.length === 1 && (args[0] === 'api' || args[0] === 'proxy');

export const ARG_CHECKS: Record<CommandName, (args: unknown[]) => boolean> = {
  'state:get': (args) => args.length === 0,
  'session:get': (args) => (args.length === 1 || (args.length === 2 && Number.isSafeInteger(args[1]) && (args[1] as number) >= 0)) && text(args[0]),
  'turn:cancel': oneText,
  'role:set-model': (args) => args.length === 2 && text(args[0]) && text(args[1]),
  // An empty value removes a stored key.
  'key:set': (args) => args.length === 2 && text(args[0]) && typeof args[1] === 'string' && args[1].length < 10_000,
  'component:restart': oneComponent,
  'component:start': oneComponent,
  'component:stop': oneComponent,
  'settings:set': (args) => args.length === 2 && SETTING_KEYS.has(String(args[0])) && (typeof args[1] === 'number' || text(args[1])),
  'provider:models': oneText,
  'provider:test': oneText,
  'service:start': oneText,
  'service:stop': oneText,
  'service:restart': oneText,
  'live:close': oneText,
  'approvals:list': (args) => args.length === 0,
  'approval:answer': (args) => args.length === 2 && text(args[0]) && isAnswer(args[1]),
  'log:tail': (args) => args.length <= 2 && (args[0] === undefined || (Number.isSafeInteger(args[0]) && (args[0] as number) > 0)) && (args[1] === undefined || (LOG_LEVELS as readonly unknown[]).includes(args[1])),
};

function isAnswer(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { decision, message, answers, ...rest } = value as Record<string, unknown>;
  const textMap = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= 20 && Object.entries(v).every(([k, a]) => k.length < 2000 && typeof a === 'string' && a.length < 10_000);
  return (
    Object.keys(rest).length === 0 &&
    (APPROVAL_DECISIONS as readonly unknown[]).includes(decision) &&
    (message === undefined || (typeof message === 'string' && message.length < 10_000)) &&
    (answers === undefined || textMap(answers))
  );
}

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(ARG_CHECKS, name);
}

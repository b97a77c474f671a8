/**
 * Runtime checks of each command's arguments, beside the contract's types: the HTTP adapter
 * and the IPC adapter receive them from outside the process.
 */
import { APPROVAL_DECISIONS } from '../../common/approval';
import { LOG_LEVELS, type CommandName } from '../../common/control';

const SETTING_KEYS = new Set(['run_timeout_seconds', 'keepalive_seconds', 'max_retries', 'permission_mode', 'max_concurrent_runs', 'on_disconnect', 'retention.max_age_days', 'retention.max_total_mb']);

const text = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length < 10_000;
const oneText = (args: unknown[]): boolean => args.length === 1 && text(args[0]);
const oneComponent = (args: unknown[]): boolean => args.length === 1 && (args[0] === 'api' || args[0] === 'proxy');

const STATUSES = new Set(['all', 'new', 'queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']);
const count = (value: unknown, max: number): boolean => value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max);

function sessionQuery(args: unknown[]): boolean {
  if (args.length !== 1 || typeof args[0] !== 'object' || args[0] === null || Array.isArray(args[0])) return false;
  const { offset, limit, query, status, ...rest } = args[0] as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    count(offset, Number.MAX_SAFE_INTEGER) &&
    count(limit, 500) &&
    (query === undefined || (typeof query === 'string' && query.length < 1000)) &&
    (status === undefined || STATUSES.has(String(status)))
  );
}

const plain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const texts = (value: unknown): boolean => Array.isArray(value) && value.length <= 200 && value.every(text);
const textMap = (value: unknown): boolean => plain(value) && Object.keys(value).length <= 100 && Object.values(value).every((v) => typeof v === 'string' && v.length < 10_000);
const optional = (check: (value: unknown) => boolean) => (value: unknown): boolean => value === undefined || check(value);
/** Provider names become YAML keys and URL path parts (/p/<name>/…). */
const providerName = (value: unknown): boolean => typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value);

/** The shape of each field; what the values may be is the config schema's to say (it refuses with the reason). */
const ROLE_FIELDS: Record<string, (value: unknown) => boolean> = {
  model: text,
  small_fast_model: optional((v) => typeof v === 'string'),
  permission_mode: optional((v) => typeof v === 'string'),
  cwd: optional((v) => typeof v === 'string'),
  allowed_tools: optional(texts),
  append_system_prompt: optional((v) => typeof v === 'string' && v.length < 100_000),
  max_turns: optional((v) => Number.isSafeInteger(v)),
  env: optional(textMap),
};
const PROVIDER_FIELDS: Record<string, (value: unknown) => boolean> = {
  type: (v) => v === 'anthropic' || v === 'openai' || v === 'claude-login',
  base_url: optional(text),
  api_key_env: optional(text),
  models: optional(texts),
  headers: optional(textMap),
};
const shaped = (fields: Record<string, (value: unknown) => boolean>) => (value: unknown): boolean =>
  plain(value) && Object.keys(value).every((key) => Object.hasOwn(fields, key)) && Object.entries(fields).every(([key, check]) => check(value[key]));

export const ARG_CHECKS: Record<CommandName, (args: unknown[]) => boolean> = {
  'state:get': (args) => args.length === 0,
  'sessions:list': sessionQuery,
  'session:summary': oneText,
  'session:delete': oneText,
  'requests:list': (args) => args.length === 0 || (args.length === 1 && requestQuery(args[0])),
  'service:output': oneText,
  'session:get': (args) => (args.length === 1 || (args.length === 2 && Number.isSafeInteger(args[1]) && (args[1] as number) >= 0)) && text(args[0]),
  'turn:cancel': oneText,
  'role:set-model': (args) => args.length === 2 && text(args[0]) && text(args[1]),
  // An empty value removes a stored key.
  'key:set': (args) => args.length === 2 && text(args[0]) && typeof args[1] === 'string' && args[1].length < 10_000,
  'role:set': (args) => args.length === 2 && text(args[0]) && shaped(ROLE_FIELDS)(args[1]),
  'provider:set': (args) => args.length === 2 && providerName(args[0]) && shaped(PROVIDER_FIELDS)(args[1]),
  'provider:remove': oneText,
  'config:undo': (args) => args.length === 0,
  'usage:get': (args) => args.length === 0 || (args.length === 1 && Number.isSafeInteger(args[0]) && (args[0] as number) >= 1 && (args[0] as number) <= 366),
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
  // An empty or long title reaches the service, which says what is wrong with it.
  'session:rename': (args) => args.length === 2 && text(args[0]) && typeof args[1] === 'string' && args[1].length < 10_000,
  'session:open-folder': oneText,
  'folder:pick': (args) => args.length <= 1 && (args[0] === undefined || (typeof args[0] === 'string' && args[0].length < 4096)),
  'storage:usage': (args) => args.length <= 1 && (args[0] === undefined || typeof args[0] === 'boolean'),
  'log:tail': (args) => args.length <= 2 && (args[0] === undefined || (Number.isSafeInteger(args[0]) && (args[0] as number) > 0)) && (args[1] === undefined || (LOG_LEVELS as readonly unknown[]).includes(args[1])),
  'log:query': (args) => args.length === 1 && logQuery(args[0]),
  'setup:check': (args) => args.length === 0,
  // The chat id is a header value: short, printable.
  'setup:test-chat': (args) => args.length === 2 && text(args[0]) && typeof args[1] === 'string' && /^[\w.-]{1,100}$/.test(args[1]),
};

function requestQuery(value: unknown): boolean {
  if (!plain(value)) return false;
  const { status, query, limit, ...rest } = value;
  return Object.keys(rest).length === 0 && (status === undefined || status === 'all' || status === 'ok' || status === 'errors') && (query === undefined || (typeof query === 'string' && query.length < 1000)) && count(limit, 1000);
}

function logQuery(value: unknown): boolean {
  if (!plain(value)) return false;
  const { limit, level, text: wanted, ...rest } = value;
  return (
    Object.keys(rest).length === 0 &&
    (limit === undefined || (Number.isSafeInteger(limit) && (limit as number) > 0 && (limit as number) <= 1000)) &&
    (level === undefined || (LOG_LEVELS as readonly unknown[]).includes(level)) &&
    (wanted === undefined || (typeof wanted === 'string' && wanted.length < 1000))
  );
}

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

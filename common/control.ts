/**
 * The control contract: everything the UI can see and do, declared once and used by main (which
 * implements it), the IPC and HTTP adapters (generic over it) and the renderer. Types, and the few
 * constants both sides need (main's config schema and the renderer's settings form).
 */
import type { ApprovalAnswer, ApprovalView } from './approval';
import type { RunEvent } from './run-event';
import type { SessionRecord, TurnStatus } from './session';
import type { ProviderErrorBody, RequestQuery } from './request-query';
export type { ProviderErrorBody, RequestQuery } from './request-query';
export type { SetupCheck, SetupTestChat } from './setup';
import type { SetupCheck, SetupTestChat } from './setup';
import type { UsageReport } from './usage';
import type { ConfigView, ConnectionTest, ProviderInput, RoleOptions, SettingKey } from './config-view';
export type { ConfigView, ConnectionTest, ProviderInput, ProviderView, RetentionView, RoleOptions, RoleView, SettingKey, SettingsView } from './config-view';
export { ON_DISCONNECT, PERMISSION_MODES, ROLE_OPTION_KEYS } from './config-view';

export type ComponentName = 'api' | 'proxy' | 'control';

export interface ComponentState {
  name: ComponentName;
  state: 'running' | 'stopped' | 'failed';
  url: string | null;
  pid: number;
  startedAt: string | null;
  lastError: string | null;
}

export interface SessionSummary {
  id: string;
  chatId?: string;
  title: string;
  role: string;
  target?: string;
  status: TurnStatus | 'new';
  createdAt: string;
  updatedAt: string;
  turns: number;
  tokens: number;
  costUsd: number;
  /** When its running (or queued) turn started; absent while no turn runs. */
  runningSince?: string;
}

export interface ConnectionDetails {
  baseUrl: string;
  apiKey: string;
  headers: Record<string, string>;
}

/** A process or command the app supervises for the user. */
export interface ServiceState {
  name: string;
  kind: 'process' | 'command';
  state: 'running' | 'stopped' | 'failed' | 'starting' | 'restarting';
  pid: number | null;
  startedAt: string | null;
  lastError: string | null;
  restarts: number;
  health: 'ok' | 'failing' | 'unknown';
  /** The latest lines it printed (bounded). */
  output: string[];
}

/** A request the API server answered, or one the proxy forwarded to a provider. */
export interface RequestEntry {
  /** Unique among the requests kept (`api-12`, `proxy-7`). */
  id: string;
  at: string;
  source: 'api' | 'proxy';
  method: string;
  path: string;
  /** Who sent it: "Open WebUI", a client library's name from its User-Agent, or "Claude Code" (the proxy's). */
  client?: string;
  /** The model asked for (a role's `helix-…` id, or the model Claude Code asked the provider for). */
  model?: string;
  /** The model that answered: what Claude Code ran for a chat turn, what the provider named in its answer. */
  modelAnswered?: string;
  /** The provider that served it. */
  provider?: string;
  /** The HTTP status, or for a chat turn that failed inside a stream, the status its error stands for. */
  status: number;
  latencyMs: number;
  tokens?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  /** The chat turn it belongs to, and its session. */
  turnId?: string;
  sessionId?: string;
  /** What went wrong, in Helix's words; secrets removed. */
  error?: string;
  /** The provider's error answer: only these fields of it, secrets removed. */
  providerError?: ProviderErrorBody;
}

/** Where sessions are kept, and the room left there (null when the system cannot tell). */
export interface StorageState {
  dataDir: string;
  freeBytes: number | null;
  /** The sessions' index is being checked against their folders (after a start, in the background). */
  checkingSessions?: boolean;
}

/** The data dir's size by part, and the Claude Code transcripts of its sessions (kept outside it). */
export interface StorageUsage {
  dataDir: string;
  /** Bytes: session logs and files (and their index), the sessions' own workspaces, their transcripts, the diagnostic log, the rest. */
  parts: { sessions: number; workspaces: number; transcripts: number; logs: number; other: number };
  total: number;
  /** When it was measured (it is kept for a minute). */
  measuredAt: string;
}

/** A chat's warm Claude Code process (see README, "How a turn runs"). */
export interface LiveSessionView {
  /** The Helix session (chat) it serves, and its title. */
  sessionId: string;
  title: string | null;
  pid: number | null;
  /** starting | running | ready | closing | … */
  state: string;
  claudeSessionId: string | null;
  startedAt: string;
  /** Seconds since its last turn ended; null while a turn runs. */
  idleSeconds: number | null;
  rssBytes: number | null;
}

/** Below this much free space the panel warns: runs stop when the disk is full. */
export const LOW_DISK_BYTES = 200 * 1024 * 1024;

/** A managed service as the Server view lists it; its output is asked for when it is shown. */
export type ServiceSummary = Omit<ServiceState, 'output'>;

/**
 * The panel's state apart from the sessions (paged, with `sessions:list`, and kept up to date by
 * `session-changed`), the request log (`requests:list`) and services' output (`service:output`),
 * which are asked for by the view that shows them: what a turn changes is never in it.
 */
export interface ControlSnapshot {
  version: string;
  /** The claude executable in use, or null when none was found. */
  claudeCli: string | null;
  components: ComponentState[];
  config: ConfigView;
  connection: ConnectionDetails;
  services: ServiceSummary[];
  storage: StorageState;
  /** The chats served by a warm process right now. */
  live: LiveSessionView[];
  /** Permission prompts waiting for an answer. */
  approvals: ApprovalView[];
}

/** Levels of the diagnostic log, most severe first; `settings.log_level` (or HELIX_LOG_LEVEL) names the least severe one written. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One record of the diagnostic log, as the panel shows it. */
export interface DiagLogEntry {
  time: string;
  level: LogLevel;
  msg: string;
  /** Which part of the app wrote it (api, proxy, control, runner, services, app). */
  component?: string;
  /** The record's other fields (pid, status, exit code, …). */
  fields: Record<string, unknown>;
}

/** Which diagnostic log records to read: the latest `limit` at `level` or more severe that contain `text`. */
export interface DiagLogQuery {
  limit?: number;
  level?: LogLevel;
  /** Looked for, case-insensitively, in the message, the component and the fields. */
  text?: string;
}

/** The end of the diagnostic log: where it is, the level in force, and its latest records (oldest first). */
export interface DiagLogTail {
  file: string;
  level: LogLevel | 'silent';
  entries: DiagLogEntry[];
}


/** Which sessions to list: the latest changed first, those matching `query` (title, role, target) and `status`. */
export interface SessionQuery {
  offset?: number;
  limit?: number;
  query?: string;
  status?: TurnStatus | 'new' | 'all';
}

export interface SessionList {
  sessions: SessionSummary[];
  /** How many sessions match, in all. */
  total: number;
  offset: number;
}

/** A session log record as stored (type, at, and the record's own fields). */
export type LogEntry = { type: string; at: string } & Record<string, unknown>;

/** A session with a page of its log: whole turns, the latest first asked for. */
export interface SessionPage {
  session: SessionRecord;
  /** The latest page ends with the running turn's text not written to the file yet. */
  log: LogEntry[];
  /** Byte offset of log[0] in the session's log, the `before` of the page before it; 0 when nothing is earlier. */
  start: number;
  /** The log's size in bytes. */
  total: number;
}

/** Every command: its arguments and its result. Adding a command is one entry here and one in the service. */
export interface ControlCommands {
  'state:get': { args: []; result: ControlSnapshot };
  /** A page of the sessions, the latest changed first. */
  'sessions:list': { args: [query: SessionQuery]; result: SessionList };
  /** The session's summary (what `session-changed` carries), or not_found. */
  'session:summary': { args: [sessionId: string]; result: SessionSummary };
  /** Removes a session that is not running, with all its files (log, images, its own workspace). */
  'session:delete': { args: [sessionId: string]; result: { deleted: boolean } };
  /** The latest requests, newest first. */
  'requests:list': { args: [query?: RequestQuery]; result: RequestEntry[] };
  /** The latest lines a managed service printed. */
  'service:output': { args: [name: string]; result: string[] };
  /** The session and its latest log records, or those before `before` (a byte offset in its log). */
  'session:get': { args: [sessionId: string, before?: number]; result: SessionPage };
  'turn:cancel': { args: [turnId: string]; result: { cancelled: boolean } };
  'role:set-model': { args: [role: string, ref: string]; result: ConfigView };
  'key:set': { args: [name: string, value: string]; result: ConfigView };
  /** Every option of a role at once (unset ones removed from the file). */
  'role:set': { args: [role: string, options: RoleOptions]; result: ConfigView };
  /** Adds a provider, or replaces the one of that name. */
  'provider:set': { args: [name: string, provider: ProviderInput]; result: ConfigView };
  'provider:remove': { args: [name: string]; result: ConfigView };
  /** Puts the config file back as it was before the app's latest edit, if the file still holds that edit. */
  'config:undo': { args: []; result: { undone: string; config: ConfigView } };
  /** Cost and tokens of the last `days` days (default 30), per day, role and provider. */
  'usage:get': { args: [days?: number]; result: UsageReport };
  /** The API server or the proxy (the control panel does not restart itself under the UI). */
  'component:restart': { args: [name: 'api' | 'proxy']; result: ComponentState };
  'component:start': { args: [name: 'api' | 'proxy']; result: ComponentState };
  'component:stop': { args: [name: 'api' | 'proxy']; result: ComponentState };
  'settings:set': { args: [key: SettingKey, value: string | number]; result: ConfigView };
  'provider:models': { args: [provider: string]; result: string[] };
  'provider:test': { args: [provider: string]; result: ConnectionTest };
  'service:start': { args: [name: string]; result: ServiceState };
  'service:stop': { args: [name: string]; result: ServiceState };
  'service:restart': { args: [name: string]; result: ServiceState };
  /** Closes a chat's warm process (its next turn resumes in a new one); false if it has none or it is busy. */
  'live:close': { args: [sessionId: string]; result: { closed: boolean } };
  /** The permission prompts waiting for an answer, oldest first. */
  'approvals:list': { args: []; result: ApprovalView[] };
  /** Answers one; refused (already_answered, with how and when) if it is not pending any more. */
  'approval:answer': { args: [id: string, answer: ApprovalAnswer]; result: ApprovalView };
  /** The diagnostic log's latest `lines` records (default 200, at most 1000) at `level` or more severe (default: all). */
  'log:tail': { args: [lines?: number, level?: LogLevel]; result: DiagLogTail };
  /** Gives a session a title (trimmed, 1–200 characters), kept across restarts; refused with invalid_title. */
  'session:rename': { args: [sessionId: string, title: string]; result: SessionSummary };
  /** Opens the session's working folder in the system's file manager: the desktop window only (else desktop_only). */
  'session:open-folder': { args: [sessionId: string]; result: { folder: string } };
  /** The diagnostic log's latest records matching a level and a text, read from the end of its files. */
  'log:query': { args: [query: DiagLogQuery]; result: DiagLogTail };
  /** Claude Code's path, version and login state, for the first-run guide. */
  'setup:check': { args: []; result: SetupCheck };
  /** A short chat posted to Helix's own API as a client would (`chatId` names it, to follow it live). */
  'setup:test-chat': { args: [role: string, chatId: string]; result: SetupTestChat };
  /** The data dir's size by part, measured off the event loop and kept for a minute (`fresh`: measured again now). */
  'storage:usage': { args: [fresh?: boolean]; result: StorageUsage };
  /** The system's folder picker, starting at `from` (a role's working folder): the desktop window only (else desktop_only); null when cancelled. */
  'folder:pick': { args: [from?: string]; result: { folder: string | null } };
}

export type CommandName = keyof ControlCommands;

/** Every command name at run time (the preload builds one method per entry); the type keeps it complete. */
export const COMMAND_NAMES = Object.keys({
  'state:get': true,
  'sessions:list': true,
  'session:summary': true,
  'session:delete': true,
  'requests:list': true,
  'service:output': true,
  'session:get': true,
  'turn:cancel': true,
  'role:set-model': true,
  'key:set': true,
  'role:set': true,
  'provider:set': true,
  'provider:remove': true,
  'config:undo': true,
  'usage:get': true,
  'component:restart': true,
  'component:start': true,
  'component:stop': true,
  'settings:set': true,
  'provider:models': true,
  'provider:test': true,
  'service:start': true,
  'service:stop': true,
  'service:restart': true,
  'live:close': true,
  'approvals:list': true,
  'approval:answer': true,
  'log:tail': true,
  'session:rename': true, // a title given in the panel
  'session:open-folder': true, // desktop only
  'log:query': true,
  'setup:check': true,
  'setup:test-chat': true,
  'storage:usage': true,
  'folder:pick': true, // desktop only
} satisfies Record<CommandName, true>) as CommandName[];

/** IPC channels: one per command, and one for events. */
export const commandChannel = (command: CommandName): string => `control:${command}`;
export const EVENT_CHANNEL = 'control:event';

/** What the preload exposes to the renderer as `window.helix`: one method per command, and the events. */
export interface DesktopControl {
  commands: { [K in CommandName]: (...args: ControlCommands[K]['args']) => Promise<ControlResult<ControlCommands[K]['result']>> };
  /** What only the desktop window can do (a browser's panel has no `window.helix`, so none of it). */
  capabilities: { openFolder: boolean; pickFolder: boolean };
  onEvent(listener: (event: ControlEvent) => void): () => void;
}

export type ControlResult<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** What the UI hears as it happens. */
export type ControlEvent =
  | { type: 'state-changed' }
  /**
   * `seq`: the event's place in its turn (1, 2, …), as in the session log's records (a joined
   * stretch of text carries its last delta's): a timeline skips what it holds and notices a gap.
   */
  | { type: 'run-event'; sessionId: string; turnId: string; seq: number; event: RunEvent }
  /** A session was created or changed: its summary, to be applied in place (a change makes it the latest). */
  | { type: 'session-changed'; session: SessionSummary }
  | { type: 'session-deleted'; sessionId: string }
  | { type: 'approval-added'; approval: ApprovalView }
  /** Answered, timed out or withdrawn: no longer pending. */
  | { type: 'approval-answered'; approval: ApprovalView }
  /** The desktop shell asks the panel to show a view (a notification or the tray was clicked). */
  | { type: 'show'; view: 'approvals' }
  /** A request was answered by the API server or forwarded by the proxy. */
  | { type: 'request-logged'; request: RequestEntry }
  /**
   * Never sent by the core: the panel's own client says its event stream opened again after a
   * break (Helix restarted, the connection dropped), so a view asks again for what it follows.
   */
  | { type: 'reconnected' };

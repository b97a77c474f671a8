/**
 * The control contract implemented once: the state the UI shows, the commands it may send, and
 * the events it hears. The IPC and HTTP adapters only carry calls to it.
 */
import type { CommandName, ComponentState, ConfigView, ConnectionDetails, ControlCommands, ControlEvent, ControlResult, ControlSnapshot, DiagLogTail, LiveSessionView, LogLevel, RequestEntry, SessionSummary, StorageState, StorageUsage } from '../../common/control';
import type { SetupCheck, SetupTestChat } from '../../common/setup';
import { matchesRequestQuery, type RequestQuery } from '../../common/request-query';
import { turnInFlight, type SessionRecord } from '../../common/session';
import type { ServerComponent } from '../platform/server-component';
import type { ConfigStore } from '../providers/config-store';
import type { KeyLookup, KeyStore } from '../providers/key-store';
import type { ApiModel } from '../providers/claude-aliases';
import { listProviderModels, testProvider } from '../providers/provider-probe';
import { providerStatuses } from '../providers/provider-status';
import { readLogPage } from '../sessions/event-log';
import { FolderMissing, sessionFolder } from '../sessions/work-folder';
import type { SessionStore } from '../sessions/session-store';
import { summaryOf } from '../sessions/session-summary';
import type { TurnService } from '../turns/turn-service';
import type { ServiceSupervisor } from '../services/service-supervisor';
import type { UsageIndex } from '../usage/usage-index';
import { ARG_CHECKS } from './command-args';
import { ControlError, refusing, refusingNow } from './control-error';
import { listSessions } from './session-list';
import { ApprovalClosed, type ApprovalService } from '../approvals/approval-service';
import type { ApprovalAnswer, ApprovalSource, ApprovalView } from '../../common/approval';

/** Log records sent at once: a huge session opens on its latest turns, the rest on request. */
const LOG_PAGE = 5000;

/** Requests listed when the caller names no number. */
const REQUESTS_PAGE = 200;

type CommandHandlers = { [K in CommandName]: (...args: ControlCommands[K]['args']) => Promise<ControlCommands[K]['result']> | ControlCommands[K]['result'] };

interface ControlDeps {
  version: string;
  claudeCli: string | null;
  config: ConfigStore;
  sessions: SessionStore;
  turns: TurnService;
  /** Permission prompts waiting for a person (absent: none are ever pending). */
  approvals?: ApprovalService;
  keyStore: KeyStore;
  keys: KeyLookup;
  /** The API's id for a model named in the config (Claude Code's aliases as the latest run resolved them). */
  apiModel?: ApiModel;
  components: Record<'api' | 'proxy', ServerComponent>;
  connection(): ConnectionDetails;
  /** The requests kept, newest first. */
  requests(): RequestEntry[];
  /** Hears each request as it is logged. */
  onRequest?(listener: (request: RequestEntry) => void): void;
  services: ServiceSupervisor;
  storage(): StorageState;
  /** The chats' warm processes: listed, closed, and heard when one starts or ends. */
  /** Deletes Claude Code's transcripts of these sessions. */
  deleteTranscripts?(claudeSessionIds: string[]): Promise<unknown>;
  live?: { list(): Array<Omit<LiveSessionView, 'title'>>; close(sessionId: string): boolean; onStartOrEnd(listener: () => void): void };
  /** The data dir's size by part (kept for a minute unless `fresh`). */
  storageUsage?(fresh: boolean): Promise<StorageUsage>;
  /** The end of the diagnostic log. */
  diagLog(lines: number, level?: LogLevel, text?: string): DiagLogTail;
  /** Claude Code's path, version and login state. */
  setupCheck?(): Promise<SetupCheck>;
  /** A short chat through the API server, as a client would send it. */
  testChat?(model: string, chatId: string): Promise<SetupTestChat>;
  /** Usage per day, role and provider, kept up to date from session changes. */
  usage: UsageIndex;
}

/** What the tray shows: the API server, the roles and their choices, how many runs are going. */
export interface TrayState {
  components: ComponentState[];
  config: ConfigView;
  running: number;
  /** Approvals waiting for an answer. */
  approvals: ApprovalView[];
  /** What today's (UTC) runs cost so far. */
  todayCostUsd: number;
}

export { ControlError } from './control-error';

export class ControlService {
  private readonly listeners = new Set<(event: ControlEvent) => void>();
  /** Sessions whose latest turn runs, kept from each change rather than counted from every session. */
  private readonly running = new Set<string>();
  /** Opens a folder in the system's file manager ('' when it did, else why not): set by the desktop shell. */
  private openFolder?: (folder: string) => Promise<string>;
  private folderPicker?: (from?: string) => Promise<string | null>;
  readonly handlers: CommandHandlers;

  constructor(private readonly deps: ControlDeps) {
    // A turn runs only in a session read since the start (one read from disk has none running).
    for (const session of deps.sessions.loaded()) if (session.turns.at(-1)?.status === 'running') this.running.add(session.id);
    deps.turns.onTurnEvent((sessionId, turnId, seq, event) => this.emit({ type: 'run-event', sessionId, turnId, seq, event }));
    // A change is sent as the one session's summary, applied in place by whoever shows it.
    deps.sessions.onChange((session) => {
      deps.usage.update(session);
      const summary = summarize(session);
      if (summary.status === 'running') this.running.add(session.id);
      else this.running.delete(session.id);
      this.emit({ type: 'session-changed', session: summary });
    });
    // What the check of the sessions' index learns from their folders after the start: a session read again, or gone.
    deps.sessions.onLine((sessionId, entry) => {
      if (entry) deps.usage.set(entry);
      else {
        deps.usage.remove(sessionId);
        this.emit({ type: 'session-deleted', sessionId });
      }
    });
    deps.config.onChange(() => this.emit({ type: 'state-changed' }));
    deps.live?.onStartOrEnd(() => this.emit({ type: 'state-changed' }));
    deps.approvals?.onChange((approval) => this.emit({ type: approval.status === 'pending' ? 'approval-added' : 'approval-answered', approval }));
    deps.onRequest?.((request) => this.emit({ type: 'request-logged', request }));

    this.handlers = {
      'state:get': () => this.snapshot(),
      'sessions:list': (query) => listSessions(deps.sessions, query),
      'session:summary': (sessionId) => summarize(this.session(sessionId)),
      'session:delete': async (sessionId) => ({ deleted: await this.deleteSession(sessionId) }),
      'requests:list': (query: RequestQuery = {}) => {
        const { limit = REQUESTS_PAGE } = query;
        return deps.requests().filter((r) => matchesRequestQuery(r, query)).slice(0, limit);
      },
      'service:output': (name) => {
        const service = deps.services.list().find((s) => s.name === name);
        if (!service) throw new ControlError('not_found', `No service "${name}" in the config.`);
        return service.output;
      },
      'session:get': (sessionId, before) => {
        const session = this.session(sessionId);
        const page = readLogPage(deps.sessions.logFile(sessionId), LOG_PAGE, before);
        // The latest page ends with the text still held in memory, read in the same step as the
        // log: it holds exactly the run events numbered up to its records' `seq`, and the live
        // events go on from there.
        const log = before === undefined ? [...page.records, ...deps.turns.unwritten(session)] : page.records;
        return { session, log, start: page.start, total: page.total };
      },
      'turn:cancel': (turnId) => ({ cancelled: deps.turns.cancel(turnId) }),
      'role:set-model': (role, ref) => this.configEdit(() => deps.config.setRoleModel(role, ref)),
      'role:set': (role, options) => this.configEdit(() => {
        if (!deps.config.current.roles.some((r) => r.name === role)) throw new ControlError('not_found', `No role ${role}.`);
        deps.config.setRole(role, options);
      }),
      'provider:set': (name, provider) =>
        this.configEdit(() => {
          // What the panel does not edit (headers it was not sent, aliases, label) is kept from the provider it replaces.
          const existing = deps.config.current.providers[name];
          const kept = Object.fromEntries(Object.entries({ headers: existing?.headers, aliases: existing?.aliases, label: existing?.label }).filter(([, v]) => v !== undefined && (typeof v !== 'object' || Object.keys(v).length > 0)));
          deps.config.setProvider(name, { ...kept, ...provider });
        }),
      'provider:remove': (name) => this.configEdit(() => deps.config.removeProvider(name)),
      'config:undo': () => {
        const { undone } = refusingNow('invalid_config', () => deps.config.undo());
        return { undone, config: this.configView() };
      },
      'usage:get': (days = 30) => deps.usage.report(days),
      'key:set': (name, value) => {
        deps.keyStore.set(name, value);
        this.emit({ type: 'state-changed' });
        return this.configView();
      },
      'component:restart': (name) => this.component(() => deps.components[name].restart()),
      'component:start': (name) => this.component(async () => {
        const component = deps.components[name];
        if (component.state.state !== 'running') await component.start().catch(() => undefined); // the failure is in the state
        return component.state;
      }),
      'component:stop': (name) => this.component(async () => {
        await deps.components[name].stop();
        return deps.components[name].state;
      }),
      'settings:set': (key, value) => this.configEdit(() => deps.config.setSetting(key, value)),
      'provider:models': (name) => refusing('provider_failed', () => listProviderModels(name, deps.config.current, deps.keys)),
      'provider:test': (name) => refusing('provider_failed', () => testProvider(name, deps.config.current, deps.keys, deps.apiModel)),
      // Services not in the config are a refusal the UI can show, not an internal error.
      'service:start': (name) => refusing('not_found', () => deps.services.start(name)),
      'service:stop': (name) => refusing('not_found', () => deps.services.stop(name)),
      'service:restart': (name) => refusing('not_found', () => deps.services.restart(name)),
      'live:close': (sessionId) => ({ closed: deps.live?.close(sessionId) ?? false }),
      'approvals:list': () => deps.approvals?.list() ?? [],
      'approval:answer': (id, answer) => this.answerApproval(id, answer, 'panel'),
      'log:tail': (lines = 200, level) => deps.diagLog(lines, level),
      'session:rename': (sessionId, title) => {
        this.session(sessionId);
        try {
          return summarize(deps.sessions.rename(sessionId, title));
        } catch (error) {
          if (error instanceof RangeError) throw new ControlError('invalid_title', error.message);
          throw error;
        }
      },
      // The folder is on the machine Helix runs on: a browser may be elsewhere, so only the desktop window opens it.
      'session:open-folder': () => {
        throw new ControlError('desktop_only', 'Opening a folder works in the desktop app only: the folder is on the machine Helix runs on.');
      },
      'folder:pick': () => {
        throw new ControlError('desktop_only', 'Choosing a folder works in the desktop app only: type its path (on the machine Helix runs on).');
      },
      'log:query': ({ limit = 200, level, text }) => deps.diagLog(limit, level, text),
      'setup:check': () => {
        if (!deps.setupCheck) throw new ControlError('not_available', 'The set-up check is not available here.');
        return deps.setupCheck();
      },
      'setup:test-chat': (roleName, chatId) => {
        const role = deps.config.current.roles.find((r) => r.name === roleName);
        if (!role) throw new ControlError('not_found', `No role ${roleName}.`);
        if (!deps.testChat) throw new ControlError('not_available', 'The test chat is not available here.');
        return deps.testChat(role.modelId, chatId);
      },
      'storage:usage': (fresh = false) => {
        if (!deps.storageUsage) throw new ControlError('not_found', 'Storage usage is not measured here.');
        return deps.storageUsage(fresh);
      },
    };
  }

  /**
   * Deletes a session and every file of it, as the panel's Delete does (retention deletes through
   * here too): refused while a turn of it is in flight; its warm process goes first, then its
   * folder (log, files, own workspace) and Claude Code's transcripts of it; the panel hears of it.
   */
  async deleteSession(sessionId: string): Promise<boolean> {
    const session = this.session(sessionId);
    if (session.turns.some(turnInFlight)) throw new ControlError('busy', 'The session has a turn in flight: cancel it first.');
    this.deps.live?.close(sessionId);
    const claudeSessions = this.deps.sessions.everyClaudeSessionId(sessionId);
    const deleted = await this.deps.sessions.delete(sessionId);
    if (deleted) await this.deps.deleteTranscripts?.(claudeSessions);
    this.running.delete(sessionId);
    if (deleted) {
      this.deps.usage.remove(sessionId);
      this.emit({ type: 'session-deleted', sessionId });
    }
    return deleted;
  }

  /** The commands as a caller reaches them: an approval answered from the desktop window is recorded as such. */
  handlersFor(from: 'panel' | 'desktop'): CommandHandlers {
    if (from === 'panel') return this.handlers;
    return { ...this.handlers, 'approval:answer': (id, answer) => this.answerApproval(id, answer, from), 'session:open-folder': (sessionId) => this.openSessionFolder(sessionId), 'folder:pick': (from) => this.pickFolder(from) };
  }

  /** How the desktop shell asks for a folder (Electron's open dialog); without it the command is refused. */
  setFolderPicker(pick: (from?: string) => Promise<string | null>): void {
    this.folderPicker = pick;
  }

  private async pickFolder(from?: string): Promise<{ folder: string | null }> {
    if (!this.folderPicker) return this.handlers['folder:pick'](from);
    return { folder: await this.folderPicker(from) };
  }

  /** How the desktop shell opens a folder (Electron's shell.openPath); without it the command is refused. */
  setFolderOpener(open: (folder: string) => Promise<string>): void {
    this.openFolder = open;
  }

  private async openSessionFolder(sessionId: string): Promise<{ folder: string }> {
    if (!this.openFolder) return this.handlers['session:open-folder'](sessionId);
    let folder: string;
    try {
      folder = sessionFolder(this.session(sessionId));
    } catch (error) {
      if (error instanceof FolderMissing) throw new ControlError('not_found', error.message);
      throw error;
    }
    const failure = await this.openFolder(folder);
    if (failure) throw new ControlError('open_failed', `Could not open ${folder}: ${failure}`);
    return { folder };
  }

  private answerApproval(id: string, answer: ApprovalAnswer, from: ApprovalSource): ApprovalView {
    if (!this.deps.approvals) throw new ControlError('not_found', `No approval ${id}.`);
    try {
      return this.deps.approvals.answer(id, answer, from);
    } catch (error) {
      if (error instanceof ApprovalClosed) throw new ControlError(error.code, error.message);
      throw error;
    }
  }

  subscribe(listener: (event: ControlEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): ControlSnapshot {
    return {
      version: this.deps.version,
      claudeCli: this.deps.claudeCli,
      components: this.components(),
      config: this.configView(),
      connection: this.deps.connection(),
      services: this.deps.services.list().map(({ output: _output, ...service }) => service),
      storage: this.deps.storage(),
      live: (this.deps.live?.list() ?? []).map((l) => ({ ...l, title: this.deps.sessions.get(l.sessionId)?.title ?? null })),
      approvals: this.deps.approvals?.list() ?? [],
    };
  }

  /** An edit of the config file: a refused one (invalid result, file unreadable) writes nothing and says why. */
  private configEdit(edit: () => unknown): ConfigView {
    refusingNow('invalid_config', edit);
    return this.configView();
  }

  /** The tray's state: no sessions, services or disk figures, so it is cheap to build again. */
  trayState(): TrayState {
    return { components: this.components(), config: this.configView(), running: this.running.size, approvals: this.deps.approvals?.list() ?? [], todayCostUsd: this.deps.usage.report(1).total.costUsd };
  }

  /** How many sessions have a turn running now. */
  get runningCount(): number {
    return this.running.size;
  }

  private session(sessionId: string): SessionRecord {
    const session = this.deps.sessions.get(sessionId);
    if (!session) throw new ControlError('not_found', `No session ${sessionId}.`);
    return session;
  }

  private components(): ComponentState[] {
    return Object.values(this.deps.components).map((c) => c.state);
  }

  private configView(): ConfigView {
    const { config } = this.deps;
    const error = config.error;
    return {
      file: config.file,
      settings: { ...config.current.settings },
      retention: { ...config.current.settings.retention },
      error: error ? { message: error.message, line: error.line, column: error.column } : null,
      roles: config.current.roles.map(({ name, modelId, provider, model, options }) => ({ name, modelId, provider, model, options })),
      providers: providerStatuses(config.current, this.deps.keys).map((status) => ({ ...status, models: config.current.providers[status.name]?.models ?? [] })),
      undo: config.undoable,
    };
  }

  private async component(action: () => Promise<ComponentState>): Promise<ComponentState> {
    const state = await action();
    this.emit({ type: 'state-changed' });
    return state;
  }

  /** Tells the UI something changed (a service's state, for instance). */
  notify(): void {
    this.emit({ type: 'state-changed' });
  }

  private emit(event: ControlEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * One command from outside the process (IPC or HTTP): its arguments checked, then run; the
 * result, a refusal or a failure comes back as data.
 */
export async function dispatch(service: ControlService, command: CommandName, args: unknown, from: 'panel' | 'desktop' = 'panel'): Promise<ControlResult<unknown>> {
  if (!Array.isArray(args) || !ARG_CHECKS[command](args)) return { ok: false, error: { code: 'invalid_arguments', message: `Invalid arguments for "${command}".` } };
  try {
    const handler = service.handlersFor(from)[command] as (...a: unknown[]) => unknown;
    return { ok: true, data: await handler(...args) };
  } catch (error) {
    return { ok: false, error: { code: error instanceof ControlError ? error.code : 'failed', message: (error as Error).message } };
  }
}

/** A session as the list shows it. */
export function summarize(session: SessionRecord): SessionSummary {
  return summaryOf(session);
}

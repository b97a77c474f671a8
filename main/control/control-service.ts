/**
 * The control contract implemented once: the state the UI shows, the commands it may send, and
 * the events it hears. The IPC and HTTP adapters only carry calls to it.
 */
import type { CommandName, ComponentState, ConfigView, ConnectionDetails, ControlCommands, ControlEvent, ControlResult, ControlSnapshot, DiagLogTail, LiveSessionView, LogLevel, RequestEntry, SessionSummary, StorageState } from '../../common/control';
import { totalTokens } from '../../common/run-event';
import type { SessionRecord } from '../../common/session';
import type { ServerComponent } from '../core/server-component';
import type { ConfigStore } from '../providers/config-store';
import type { KeyLookup, KeyStore } from '../providers/key-store';
import type { ApiModel } from '../providers/claude-aliases';
import { listProviderModels, testProvider } from '../providers/provider-probe';
import { providerStatuses } from '../providers/provider-status';
import { readLogPage } from '../sessions/event-log';
import type { SessionStore } from '../sessions/session-store';
import type { TurnService } from '../sessions/turn-service';
import type { ServiceSupervisor } from '../services/service-supervisor';
import { ARG_CHECKS } from './command-args';
import { ApprovalClosed, type ApprovalService } from '../approvals/approval-service';
import type { ApprovalAnswer, ApprovalSource, ApprovalView } from '../../common/approval';

/** Log records sent at once: a huge session opens on its latest turns, the rest on request. */
const LOG_PAGE = 5000;

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
  requests(): RequestEntry[];
  services: ServiceSupervisor;
  storage(): StorageState;
  /** The chats' warm processes: listed, closed, and heard when one starts or ends. */
  live?: { list(): LiveSessionView[]; close(sessionId: string): boolean; onStartOrEnd(listener: () => void): void };
  /** The end of the diagnostic log. */
  diagLog(lines: number, level?: LogLevel): DiagLogTail;
}

export class ControlService {
  private readonly listeners = new Set<(event: ControlEvent) => void>();
  readonly handlers: CommandHandlers;

  constructor(private readonly deps: ControlDeps) {
    deps.turns.onTurnEvent((sessionId, turnId, seq, event) => this.emit({ type: 'run-event', sessionId, turnId, seq, event }));
    deps.sessions.onChange((session) => this.emit({ type: 'session-changed', session: summarize(session) }));
    deps.config.onChange(() => this.emit({ type: 'state-changed' }));
    deps.live?.onStartOrEnd(() => this.emit({ type: 'state-changed' }));
    deps.approvals?.onChange((approval) => this.emit({ type: approval.status === 'pending' ? 'approval-added' : 'approval-answered', approval }));

    this.handlers = {
      'state:get': () => this.snapshot(),
      'session:get': (sessionId, before) => {
        const session = deps.sessions.get(sessionId);
        if (!session) throw new ControlError('not_found', `No session ${sessionId}.`);
        const page = readLogPage(deps.sessions.logFile(sessionId), LOG_PAGE, before);
        // The latest page ends with the text still held in memory, read in the same step as the
        // log: it holds exactly the run events numbered up to its records' `seq`, and the live
        // events go on from there.
        const log = before === undefined ? [...page.records, ...deps.turns.unwritten(session)] : page.records;
        return { session, log, start: page.start, total: page.total };
      },
      'turn:cancel': (turnId) => ({ cancelled: deps.turns.cancel(turnId) }),
      'role:set-model': (role, ref) => {
        deps.config.setRoleModel(role, ref);
        return this.configView();
      },
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
      'settings:set': (key, value) => {
        deps.config.setSetting(key, value);
        return this.configView();
      },
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
    };
  }

  /** The commands as a caller reaches them: an approval answered from the desktop window is recorded as such. */
  handlersFor(from: 'panel' | 'desktop'): CommandHandlers {
    if (from === 'panel') return this.handlers;
    return { ...this.handlers, 'approval:answer': (id, answer) => this.answerApproval(id, answer, from) };
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
      components: Object.values(this.deps.components).map((c) => c.state),
      config: this.configView(),
      connection: this.deps.connection(),
      sessions: this.deps.sessions.list().map(summarize),
      services: this.deps.services.list(),
      storage: this.deps.storage(),
      requests: this.deps.requests(),
      live: this.deps.live?.list() ?? [],
      approvals: this.deps.approvals?.list() ?? [],
    };
  }

  private configView(): ConfigView {
    const { config } = this.deps;
    const error = config.error;
    return {
      file: config.file,
      settings: { ...config.current.settings },
      error: error ? { message: error.message, line: error.line, column: error.column } : null,
      roles: config.current.roles.map(({ name, modelId, provider, model }) => ({ name, modelId, provider, model })),
      providers: providerStatuses(config.current, this.deps.keys).map((status) => ({ ...status, models: config.current.providers[status.name]?.models ?? [] })),
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

/** A refusal the caller can act on, carried as `{ ok: false, error: { code, message } }`. */
export class ControlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An action whose failure is a refusal with this code rather than an internal error. */
async function refusing<T>(code: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new ControlError(code, (error as Error).message);
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

export function summarize(session: SessionRecord): SessionSummary {
  const last = session.turns.at(-1);
  const tokens = session.turns.reduce((sum, t) => sum + (t.usage ? totalTokens(t.usage) : 0), 0);
  return {
    id: session.id,
    chatId: session.chatId,
    title: session.title,
    role: session.role,
    target: last?.target,
    status: last?.status ?? 'new',
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    turns: session.turns.length,
    tokens,
    costUsd: session.turns.reduce((sum, t) => sum + (t.costUsd ?? 0), 0),
  };
}

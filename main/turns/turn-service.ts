/**
 * Turns a chat request into a turn of a Claude Code session.
 *
 * - The session: the client's chat id, else the session whose recorded conversation matches the
 *   history the client sent, else a new one.
 * - The context: when the sent history is exactly a recorded turn's conversation, the new message
 *   alone continues that turn's Claude Code session: in the chat's warm process when it holds
 *   exactly that conversation, else resumed in place when the turn is the session's tip, else
 *   forked at the turn's last message (a regenerate or an edited message). Any other history
 *   starts a new session seeded with the transcript.
 * - Order: one turn at a time per session (a second one waits), and at most
 *   settings.max_concurrent_runs runs overall (the rest queue, told their position).
 * - A retry of a turn that ran on after its client left gets that run, or its recorded answer.
 */
import { randomUUID } from 'node:crypto';
import type { LogEntry } from '../../common/control';
import type { RunEvent } from '../../common/run-event';
import { exchangesOf, type SessionRecord, type TurnRecord } from '../../common/session';
import type { ApprovalView } from '../../common/approval';
import { chatAnswer, chatQuestion, type AskedInChat } from './in-chat';
import { StorageError, writeOrWarn } from '../platform/data-dir';
import { SYSTEM_CLOCK, type Clock } from '../platform/clock';
import type { RunService } from './run-service';
import { continueFrom } from './continue-from';
import type { RunSlots } from './run-slots';
import type { HelixConfig, Role } from '../providers/load-config';
import { ProviderError } from '../providers/run-target';
import type { RequestLog } from '../proxy/request-log';
import { ApprovalClosed, type ApprovalService } from '../approvals/approval-service';
import type { RunOutcome } from '../runner/claude-run';
import { conversationKey, normalize, seededPrompt, type Conversation, type Exchange } from '../sessions/conversation';
import { RETRY_WINDOW_MS } from '../sessions/session-recovery';
import type { SessionStore } from '../sessions/session-store';
import { chainThrough } from './branch';
import { TurnHandle } from './turn-handle';
import { TurnLogger } from '../sessions/turn-logger';
import type { UnusedTranscripts } from './unused-transcripts';

export interface TurnRequest {
  role: Role;
  config: HelixConfig;
  conversation: Conversation;
  chatId?: string;
  /** The turn this request names as the one it follows (Responses' previous_response_id). */
  continues?: string;
}

export interface TurnServiceOptions {
  /** The proxy's log: when a run through it fails, what the provider said is the best detail. */
  proxyRequests?: Pick<RequestLog, 'lastError'>;
  /** Who answers permission prompts; without it every prompt is refused at once. */
  approvals?: ApprovalService;
  /** When turns start and end, and how old an unreceived answer is (the retry window). */
  clock?: Clock;
  /** Told of each turn that ended, so a Claude Code session nothing can continue any more is deleted. */
  transcripts?: Pick<UnusedTranscripts, 'check'>;
}

export class TurnService {
  private readonly live = new Map<string, TurnHandle>();
  /** Per session, the approval its chat was asked (settings.approvals.in_chat). */
  private readonly askedInChat = new Map<string, AskedInChat>();
  /** The logger of each turn in flight, by turn id: it holds the text not written yet. */
  private readonly loggers = new Map<string, TurnLogger>();
  private readonly turnListeners = new Set<TurnEventListener>();
  /** Per session, the end of the last turn queued on it. */
  private readonly sessionTails = new Map<string, Promise<void>>();

  private readonly proxyRequests?: Pick<RequestLog, 'lastError'>;
  private readonly approvals?: ApprovalService;
  private readonly clock: Clock;
  private readonly transcripts?: Pick<UnusedTranscripts, 'check'>;

  constructor(
    private readonly store: SessionStore,
    private readonly runs: Pick<RunService, 'start'>,
    private readonly slots: Pick<RunSlots, 'acquire'>,
    options: TurnServiceOptions = {},
  ) {
    this.proxyRequests = options.proxyRequests;
    this.approvals = options.approvals;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.transcripts = options.transcripts;
  }

  begin(request: TurnRequest): { handle: TurnHandle; session: SessionRecord; turn: TurnRecord } {
    const { conversation } = request;
    const answered = this.answerInChat(request);
    if (answered) return answered;
    const session = this.sessionFor(request);

    const retried = this.retryOf(session, conversation);
    if (retried) return { handle: this.live.get(retried.id) ?? this.replay(session, retried), session, turn: retried };

    const turn: TurnRecord = {
      id: randomUUID(),
      parentKey: conversation.historyKey,
      user: conversation.user,
      assistant: '',
      status: 'queued',
      delivered: false,
      startedAt: new Date(this.clock.now()).toISOString(),
    };
    session.turns.push(turn);
    const logger = new TurnLogger(this.store.log(session.id), turn.id);
    try {
      // Logged first: a turn the log cannot take leaves the session as it was, its place in the list too.
      logger.turn(turn);
      this.store.touch(session);
    } catch (error) {
      // Not recorded (e.g. the disk is full), so not taken: the request fails, the session stays as it was.
      session.turns.splice(session.turns.indexOf(turn), 1);
      this.store.changed(session);
      throw error;
    }
    const handle = new TurnHandle();
    this.live.set(turn.id, handle);
    this.loggers.set(turn.id, logger);
    this.execute(request, session, turn, handle, logger)
      .catch((error: unknown) => handle.emit({ type: 'finished', outcome: { ok: false, error: { code: 'run_failed', detail: String(error) } } }))
      .finally(() => {
        this.live.delete(turn.id);
        this.loggers.delete(turn.id);
      });
    return { handle, session, turn };
  }

  /**
   * The conversation up to and including a recorded turn, oldest exchange first: the turn's
   * ancestors found by their keys, so a client that names only its last turn (the Responses
   * API's previous_response_id) continues exactly that branch. Undefined for an unknown turn.
   */
  conversationThrough(turnId: string): { session: SessionRecord; exchanges: Exchange[] } | undefined {
    const found = this.store.findTurn(turnId);
    if (!found) return undefined;
    const { session } = found;
    // From the turns held when they hold the whole branch with its text, else from the log.
    const held = chainThrough(session.turns, turnId, Boolean(session.earlier?.turns));
    return { session, exchanges: held ?? chainThrough(this.store.turnsWithText(session.id), turnId, false) ?? [] };
  }

  /**
   * The chat's message answers the approval its turn asked there: a few exact words allow (or
   * deny); anything else denies with the message passed on to Claude Code. The response follows
   * the rest of the same turn. Only the same chat (its id, with the API key) can answer.
   */
  private answerInChat({ chatId, conversation, continues }: TurnRequest): { handle: TurnHandle; session: SessionRecord; turn: TurnRecord } | undefined {
    // The chat by its id, by the response it continues, or (no id) by the history it sends: the one that ends with the question.
    const session = chatId
      ? this.store.findByChatId(chatId)
      : continues
        ? this.store.findTurn(continues)?.session
        : this.store.get([...this.askedInChat].find(([, a]) => a.historyKey === conversation.historyKey)?.[0] ?? '');
    const asked = session && this.askedInChat.get(session.id);
    if (!session || !asked || !this.approvals) return undefined;
    const reply = conversation.user.trim();
    const handle = asked.handle.continuation();
    try {
      this.approvals.answer(asked.approvalId, chatAnswer(reply, this.approvals.get(asked.approvalId)), 'chat');
    } catch (error) {
      // Answered elsewhere meanwhile: this message is a turn of its own.
      if (!(error instanceof ApprovalClosed)) throw error;
      handle.cancelFollow();
      this.askedInChat.delete(session.id);
      return undefined;
    }
    asked.reply = reply;
    return { handle, session, turn: asked.turn };
  }

  /**
   * A turn of this conversation that ran on after its client left: still running with no one
   * following it, or done and never delivered. A retry of it gets that run or its answer.
   */
  private retryOf(session: SessionRecord, conversation: Conversation): TurnRecord | undefined {
    const turn = session.turns.findLast((t) => t.parentKey === conversation.historyKey && t.user === conversation.user && !t.delivered);
    if (!turn) return undefined;
    const live = this.live.get(turn.id);
    if (live) return live.detached && !live.signal.aborted ? turn : undefined;
    const recent = turn.endedAt !== undefined && this.clock.now() - Date.parse(turn.endedAt) < RETRY_WINDOW_MS;
    return turn.status === 'done' && recent ? turn : undefined;
  }

  /** Hears every run event of every turn, after it is logged, with its place in the turn: the UI's live view. */
  onTurnEvent(listener: TurnEventListener): () => void {
    this.turnListeners.add(listener);
    return () => this.turnListeners.delete(listener);
  }

  /**
   * The session's text not written to its log yet (the running turn's latest stretch), as log
   * records: with the log, everything its turns relayed so far, up to the events' `seq`.
   */
  unwritten(session: SessionRecord): LogEntry[] {
    return session.turns.flatMap((turn) => this.loggers.get(turn.id)?.unwritten() ?? []);
  }

  /** Stops one turn, waiting or running; false if it is not in flight. */
  cancel(turnId: string): boolean {
    const handle = this.live.get(turnId);
    handle?.cancel();
    return handle !== undefined;
  }

  /** Stops every turn in flight or waiting. */
  cancelAll(): void {
    for (const handle of this.live.values()) handle.cancel();
  }

  private sessionFor({ role, conversation, chatId }: TurnRequest): SessionRecord {
    // Without a chat id a first message names no session, unless it retries one whose answer was never delivered.
    const existing = chatId
      ? this.store.findByChatId(chatId)
      : conversation.history.length > 0
        ? this.store.findByKey(conversation.historyKey)?.session
        : this.store.undelivered(conversation.historyKey, conversation.user).map((ref) => ref.session).find((s) => this.retryOf(s, conversation));
    if (existing) return existing;
    const title = conversation.history[0]?.user ?? conversation.user;
    return this.store.create({ chatId, role: role.name, title: titleFrom(title), cwd: role.cwd });
  }

  private async execute(request: TurnRequest, session: SessionRecord, turn: TurnRecord, handle: TurnHandle, logger: TurnLogger): Promise<void> {
    const { role, config, conversation } = request;
    let outcome: RunOutcome = { ok: false, error: { code: 'cancelled', detail: 'the client left before the run started' } };
    let answer = '';
    let inChat: AskedInChat | undefined;
    const unlock = await this.lockSession(session.id, handle);
    let release: (() => void) | undefined;
    let run: Awaited<ReturnType<RunService['start']>> | undefined;
    try {
      if (handle.signal.aborted) return;
      release = await this.slots.acquire((position, queued) => handle.emit({ type: 'queued', position, queued }), handle.signal);

      const cwd = role.cwd ?? session.cwd;
      const recorded = conversation.history.length > 0 ? this.store.findByKey(conversation.historyKey, session)?.turn : undefined;
      // A Claude Code session can only be resumed in the folder it ran in; elsewhere the transcript seeds a new one.
      const from = recorded && (recorded.cwd ?? session.cwd) === cwd ? continueFrom(session, recorded) : undefined;
      const parent = from ? recorded : undefined;
      turn.status = 'running';
      turn.target = `${role.provider}:${role.model}`;
      turn.cwd = cwd;
      const prompt = parent ? conversation.user : seededPrompt(conversation);
      const imageFiles = conversation.images.map((image) => this.store.saveImage(session.id, image));
      logger.prompt(prompt, imageFiles, parent?.claudeSessionId);
      const onEvent = (event: RunEvent): void => {
        if (event.type === 'started') Object.assign(turn, { claudeSessionId: event.sessionId, model: event.model || undefined, apiKeySource: event.apiKeySource });
        if (event.type === 'text') answer += event.text;
        const seq = logger.event(event);
        handle.emit(event);
        for (const listener of this.turnListeners) listener(session.id, turn.id, seq, event);
      };
      const approvals = role.approvals === 'ask' ? this.approvals : undefined;
      // Each change of a prompt is one event of the turn: logged, streamed to its client and the panel.
      const onApproval = (approval: ApprovalView): void => {
        writeOrWarn(() => onEvent({ type: 'approval', approval }));
        if (approval.status !== 'pending') {
          if (this.askedInChat.get(session.id)?.approvalId === approval.id) this.askedInChat.delete(session.id);
        } else if (config.settings.approvals.in_chat && !this.askedInChat.has(session.id)) {
          const question = chatQuestion(approval);
          const asked = [...conversation.history, { user: turn.user, assistant: normalize(answer + question) }];
          inChat = { approvalId: approval.id, handle, turn, sofar: answer, question, historyKey: conversationKey(asked) };
          this.askedInChat.set(session.id, inChat);
          handle.emit({ type: 'handoff', question });
        }
      };
      run = await this.runs.start(
        role,
        config,
        {
          prompt,
          images: conversation.images,
          systemPrompt: conversation.system,
          cwd,
          chat: session.id,
          from,
          turnId: turn.id,
          onPermission: approvals
            ? (request, signal) =>
                approvals.ask(
                  { sessionId: session.id, sessionTitle: session.title, turnId: turn.id, role: role.name, cwd, projectRule: role.cwd !== undefined, timeoutSeconds: config.settings.approvals.timeout_seconds, onChange: onApproval },
                  request,
                  signal,
                )
            : undefined,
        },
        onEvent,
      );
      handle.onCancel(() => run?.cancel());
      turn.pid = run.pid;
      logger.turn(turn);
      this.store.touch(session);
      const done = await run.done;
      if (done.ok && done.messageUuid) turn.claudeMessageUuid = done.messageUuid;
      outcome = done;
      const said = this.proxyRequests?.lastError(turn.id);
      if (!outcome.ok && said && outcome.error.code.startsWith('upstream_')) outcome = { ...outcome, error: { ...outcome.error, detail: said } };
    } catch (error) {
      // Leaving the queue is a cancel; anything else is reported to the client, never thrown.
      if (run) {
        // A run that started is over before the session takes its next turn.
        run.cancel();
        await run.done;
      }
      if (!handle.signal.aborted) {
        const detail = error instanceof Error ? error.message : String(error);
        const code = error instanceof ProviderError ? 'provider_misconfigured' : error instanceof StorageError ? 'storage_failed' : 'run_failed';
        outcome = { ok: false, error: { code, detail } };
      }
    } finally {
      release?.();
      unlock();
      if (this.askedInChat.get(session.id) === inChat) this.askedInChat.delete(session.id);
      this.finish(session, turn, conversation.history, handle, logger, outcome, answer, inChat);
    }
  }

  private finish(
    session: SessionRecord,
    turn: TurnRecord,
    history: Exchange[],
    handle: TurnHandle,
    logger: TurnLogger,
    outcome: RunOutcome,
    answer: string,
    inChat?: AskedInChat,
  ): void {
    turn.status = outcome.ok ? 'done' : outcome.error.code === 'cancelled' ? 'cancelled' : 'failed';
    turn.assistant = normalize(answer);
    turn.endedAt = new Date(this.clock.now()).toISOString();
    delete turn.pid;
    const result = outcome.result;
    if (result) {
      turn.usage = result.usage;
      turn.costUsd = result.costUsd;
    }
    if (!outcome.ok) turn.error = `${outcome.error.code}: ${outcome.error.detail}`;
    // A turn answered in its chat is, to the client, two exchanges: up to the question, then after the reply.
    if (inChat?.reply !== undefined) turn.askedInChat = { answer: normalize(inChat.sofar + inChat.question), reply: inChat.reply, rest: normalize(answer.slice(inChat.sofar.length)) };
    if (outcome.ok) turn.key = conversationKey([...history, ...exchangesOf(turn)]);
    handle.emit({ type: 'finished', outcome });
    turn.delivered = handle.delivered;
    writeOrWarn(() => {
      logger.flush();
      logger.turn(turn);
    });
    writeOrWarn(() => this.store.touch(session));
    // A branch this turn started and did not complete is of no use once its process is gone.
    void this.transcripts?.check(session.id, turn.claudeSessionId);
  }

  /** Serves a recorded answer that no client received, without running anything. */
  private replay(session: SessionRecord, turn: TurnRecord): TurnHandle {
    const handle = TurnHandle.replaying(turn);
    turn.delivered = true;
    writeOrWarn(() => this.store.log(session.id).append({ type: 'replayed', turnId: turn.id }));
    writeOrWarn(() => this.store.touch(session));
    return handle;
  }

  /** Waits for the session's previous turn; returns the function that lets the next one go. */
  private async lockSession(sessionId: string, handle: TurnHandle): Promise<() => void> {
    const previous = this.sessionTails.get(sessionId);
    let unlock!: () => void;
    const mine = new Promise<void>((resolve) => (unlock = resolve));
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.sessionTails.set(sessionId, tail);
    if (previous) {
      handle.emit({ type: 'waiting' });
      await previous;
    }
    return () => {
      unlock();
      if (this.sessionTails.get(sessionId) === tail) this.sessionTails.delete(sessionId);
    };
  }
}

export type TurnEventListener = (sessionId: string, turnId: string, seq: number, event: RunEvent) => void;

function titleFrom(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? 'New chat';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/**
 * The warm Claude Code processes, one per active chat, and their bounds: at most
 * `max_live_sessions` are kept (the least recently used idle one is closed for a new one; when
 * all are busy the new turn runs in a process of its own, closed after it), and one idle for
 * `session_idle_seconds` is closed. A turn never waits for a warm slot.
 */
import type { LiveSessionView } from '../../common/control';
import type { LiveStateChange } from '../runner/live-state';
import type { LiveSession } from '../runner/live-session';
import type { RunGrant } from '../proxy/proxy-access';

/** What a process was started with; `signature` changes when only a new process can serve it. */
export interface Launch {
  signature: string;
  provider: string;
  proxied: boolean;
  model: string;
  permissionMode: string;
}

export interface Warm {
  chat: string;
  live: LiveSession;
  launch: Launch;
  grant?: RunGrant;
  busy: boolean;
  /** Kept after its turn (false: it ran cold, for lack of a warm slot). */
  kept: boolean;
  startedAt: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
}

/** A warm process as the panel shows it, named by its chat. */
export type LiveInfo = Omit<LiveSessionView, 'sessionId' | 'title'> & { chat: string };

export class LiveSessions {
  private readonly byChat = new Map<string, Warm>();
  /** Every process still alive, warm or cold, until it has exited. */
  private readonly all = new Set<Warm>();
  /** Per chat, the exit of its latest process: a new one resuming the same session waits for it. */
  private readonly exits = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(chat: string, change: LiveStateChange) => void>();
  private readonly exitListeners = new Set<(chat: string, claudeSessionId: string) => void>();
  /** A process parked with --await-claim for the next new chat started the same way (`key`). */
  private spare: { key: string; warm: Warm } | undefined;

  /** The chat's warm process, if one is alive. */
  get(chat: string): Warm | undefined {
    const warm = this.byChat.get(chat);
    return warm && !warm.live.state.startsWith('clos') && warm.live.state !== 'crashed' ? warm : undefined;
  }

  get size(): number {
    return this.byChat.size;
  }

  /** Waits until the chat's previous process has exited (it may hold the session a new one resumes). */
  async settled(chat: string): Promise<void> {
    await this.exits.get(chat);
  }

  /**
   * Makes room for one more warm process: closes the least recently used idle one when the limit
   * is reached. False when every slot is busy (or the limit is 0): the caller runs cold.
   */
  makeRoom(limit: number): boolean {
    if (this.byChat.size < limit) return true;
    const idle = [...this.byChat.values()].filter((w) => !w.busy).sort((a, b) => a.lastUsed - b.lastUsed);
    const oldest = idle[0];
    if (!oldest || limit === 0) return false;
    this.retire(oldest, 'evicted for another chat (least recently used)');
    return this.byChat.size < limit;
  }

  add(warm: Warm): void {
    this.all.add(warm);
    if (warm.kept) this.byChat.set(warm.chat, warm);
    this.exits.set(warm.chat, warm.live.exited);
    warm.live.onState((change) => {
      for (const listener of this.listeners) listener(warm.chat, change);
    });
    void warm.live.exited.finally(() => {
      clearTimeout(warm.idleTimer);
      warm.grant?.revoke();
      this.all.delete(warm);
      if (this.byChat.get(warm.chat) === warm) this.byChat.delete(warm.chat);
      if (this.exits.get(warm.chat) === warm.live.exited) this.exits.delete(warm.chat);
      const held = warm.live.sessionId;
      if (held) for (const listener of this.exitListeners) listener(warm.chat, held);
    });
  }

  /** Whether a process of the chat that has not exited yet holds this Claude Code session (it may be writing its transcript). */
  holds(chat: string, claudeSessionId: string): boolean {
    return [...this.all].some((w) => w.chat === chat && w.live.sessionId === claudeSessionId);
  }

  /** Hears each process of a chat that has exited, with the Claude Code session it held (none: it never started one). */
  onExit(listener: (chat: string, claudeSessionId: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  hasSpare(key: string): boolean {
    return this.spare?.key === key && this.spare.warm.live.state === 'starting';
  }

  /** Parks a spare; one of another kind is closed. */
  setSpare(key: string, warm: Warm): void {
    if (this.spare) void this.spare.warm.live.close('replaced by a spare of another kind');
    this.spare = { key, warm };
    this.all.add(warm);
    void warm.live.exited.finally(() => {
      warm.grant?.revoke();
      this.all.delete(warm);
      if (this.spare?.warm === warm) this.spare = undefined;
    });
  }

  /** The parked spare for this kind of start, taken (a spare of another kind stays parked). */
  takeSpare(key: string): Warm | undefined {
    if (!this.hasSpare(key)) return undefined;
    const warm = this.spare!.warm;
    this.spare = undefined;
    return warm;
  }

  /** A turn on it begins: no idle timer meanwhile. */
  claim(warm: Warm): void {
    warm.busy = true;
    clearTimeout(warm.idleTimer);
  }

  /** Its turn is over: kept warm for the next one (until idle too long), or closed if it ran cold. */
  release(warm: Warm, idleSeconds: number): void {
    warm.busy = false;
    warm.lastUsed = Date.now();
    if (!warm.kept || warm.live.state === 'closing' || warm.live.state === 'closed' || warm.live.state === 'crashed') {
      this.retire(warm, 'ran cold: no warm slot was free');
      return;
    }
    clearTimeout(warm.idleTimer);
    warm.idleTimer = setTimeout(() => this.retire(warm, `idle for ${idleSeconds} s`), Math.min(idleSeconds * 1000, 2 ** 31 - 1));
    warm.idleTimer.unref?.();
  }

  /** Closes a process (stdin EOF; killed if it does not go) and forgets it. */
  retire(warm: Warm, reason: string): Promise<void> {
    if (this.byChat.get(warm.chat) === warm) this.byChat.delete(warm.chat);
    clearTimeout(warm.idleTimer);
    // Between turns it has nothing to ask the provider: its token opens nothing from now on.
    if (!warm.busy) warm.grant?.revoke();
    return warm.live.close(reason);
  }

  /** Closes the chat's warm process; false if it had none or it is busy. */
  close(chat: string): boolean {
    const warm = this.get(chat);
    if (!warm || warm.busy) return false;
    void this.retire(warm, 'closed from the panel');
    return true;
  }

  list(): LiveInfo[] {
    const now = Date.now();
    return [...this.byChat.values()].map((w) => ({
      chat: w.chat,
      pid: w.live.pid ?? null,
      state: w.live.state,
      claudeSessionId: w.live.sessionId ?? null,
      startedAt: new Date(w.startedAt).toISOString(),
      idleSeconds: w.busy ? null : Math.round((now - w.lastUsed) / 1000),
      rssBytes: w.live.rssBytes() ?? null,
    }));
  }

  /** Hears every state change of every process (chat: the Helix session it serves). */
  onChange(listener: (chat: string, change: LiveStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every process: idle ones by closing stdin, busy ones killed; resolves when all are gone. */
  async stopAll(): Promise<void> {
    const warm = [...this.all];
    await Promise.all(warm.map((w) => (w.busy ? w.live.kill('Helix is stopping') : w.live.close('Helix is stopping'))));
  }
}

/**
 * Runs chat turns in Claude Code processes: resolves the role's provider, and serves each turn in
 * the chat's warm process when it holds the conversation the turn continues, adjusting its model,
 * provider or permission mode live; otherwise in a new process that resumes the Claude Code
 * session in place, or forks it at the message a regenerate or an edit branches from.
 */
import { mkdirSync } from 'node:fs';
import type { RunError, RunEvent } from '../../common/run-event';
import type { ClaudeBinLookup } from '../runner/claude-bin';
import type { DiagLog } from '../platform/diag-log';
import { claudeArgs, claudeEnv, userMessageLine, type ImageBlock, type ResumeFrom } from '../runner/claude-command';
import { LiveSession, type LiveOutcome, type LiveTurn, type TurnInput } from '../runner/live-session';
import { isAlive } from '../platform/process-tree';
import type { HelixConfig, Role } from '../providers/load-config';
import type { KeyLookup } from '../providers/key-store';
import { ResolvedModels } from '../providers/claude-aliases';
import { ProviderError, resolveRunTarget, roleEnv, type RunTarget } from '../providers/run-target';
import type { ProxyRoute, RunGrant } from '../proxy/proxy-access';
import { LiveSessions, type Launch, type Warm } from './live-sessions';

/** Helix's proxy: where it listens, and a token for one process's requests. */
export interface ProxyAccess {
  url: string;
  grant(route: ProxyRoute): RunGrant;
}

/** Where the turn's conversation is held: a Claude Code session and its message the turn follows. */
export interface ContinueFrom {
  sessionId: string;
  /** The last message of the turn this one follows (absent for turns recorded before messages were). */
  messageUuid?: string;
  /** True when that message is the session's tip: resumed in place; else forked at it. */
  atTip: boolean;
}

export interface RunInput {
  prompt: string;
  images: ImageBlock[];
  /** The client's system messages, appended to Claude Code's system prompt. */
  systemPrompt: string;
  cwd: string;
  /** The Helix session (chat): it has at most one warm process. */
  chat: string;
  /** The conversation this turn continues; none: a new Claude Code session. */
  from?: ContinueFrom;
  /** Tags the run's proxy requests, so the request log can name the turn. */
  turnId?: string;
  /** Answers the turn's permission prompts (the approvals); none: each is refused at once. */
  onPermission?: TurnInput['onPermission'];
}

/** What a process for this role and turn is started with. */
interface StartParts {
  bin: string;
  target: RunTarget;
  role: Role;
  systemPrompt: string;
  settings: HelixConfig['settings'];
  passedOn: Record<string, string>;
}

export interface RunServiceOptions {
  tmpDir: string;
  proxy?: ProxyAccess;
  claudeBin: ClaudeBinLookup;
  /** The app's environment; claude gets only the allowlisted part of it. */
  env: NodeJS.ProcessEnv;
  keys: KeyLookup;
  /** The runner's diagnostic log. */
  log?: DiagLog;
}

export class RunService {
  private readonly active = new Set<LiveTurn>();
  /** What Claude Code's model aliases resolved to, per provider, as runs reported at their start. */
  readonly resolvedModels = new ResolvedModels();
  /** The warm processes, one per active chat. */
  readonly live = new LiveSessions();

  constructor(private readonly options: RunServiceOptions) {}

  /** Runs in flight. */
  get activeCount(): number {
    return this.active.size;
  }

  /**
   * Starts a turn; throws ProviderError when the role cannot run as configured. A missing CLI is
   * not thrown: it ends the run with a `cli_not_found` outcome like every other failure.
   */
  async start(role: Role, config: HelixConfig, input: RunInput, onEvent: (event: RunEvent) => void): Promise<LiveTurn> {
    const target = resolveRunTarget(role, config, this.options.keys);
    const passedOn = roleEnv(role, this.options.keys);
    mkdirSync(input.cwd, { recursive: true });
    mkdirSync(this.options.tmpDir, { recursive: true });

    const bin = this.options.claudeBin.path;
    if (!bin) return failedRun({ code: 'cli_not_found', detail: `looked in ${this.options.claudeBin.searched.join(', ')}` });

    const systemPrompt = [role.appendSystemPrompt, input.systemPrompt].filter(Boolean).join('\n\n');
    const settings = config.settings;
    // Everything a process is started with that cannot be changed while it runs (but its folder).
    const fixed = [bin, systemPrompt, role.allowedTools, role.maxTurns ?? null, settings.max_retries, passedOn, target.proxied, target.smallFastModel ?? null, role.permissionMode === 'bypassPermissions'];
    const launch: Launch = {
      signature: JSON.stringify([input.cwd, fixed]),
      provider: target.provider,
      proxied: target.proxied,
      model: target.model,
      permissionMode: role.permissionMode,
    };
    const start: StartParts = { bin, target, role, systemPrompt, settings, passedOn };

    let warm = this.live.get(input.chat);
    let prepare: (() => void) | undefined;
    // A process that died since its last turn (its exit not yet seen) is not offered the next one.
    if (warm?.live.pid !== undefined && !isAlive(warm.live.pid)) {
      await warm.live.exited;
      warm = undefined;
    }
    const route: ProxyRoute = { provider: target.provider, turnId: input.turnId };
    if (warm && !(await this.adapt(warm, launch, input.from, route))) {
      await this.live.retire(warm, 'the chat continues from another point or with other settings');
      warm = undefined;
    }
    if (!warm) {
      // A process resuming the same session must not overlap the one that held it.
      await this.live.settled(input.chat);
      const kept = this.live.makeRoom(settings.max_live_sessions);
      const from = input.from;
      // A spare fits any new conversation started the same way, in whatever folder.
      const spareKey = JSON.stringify([fixed, target.provider, target.model, role.permissionMode]);
      const spares = !from && settings.spare_session;
      if (spares) warm = await this.claimSpare(spareKey, input.chat, input.cwd, launch, kept);
      if (!warm) {
        const resume: ResumeFrom | undefined = from ? (from.atTip ? { sessionId: from.sessionId } : { sessionId: from.sessionId, forkAt: from.messageUuid }) : undefined;
        const { live, grant } = this.spawn(start, input.cwd, { resume, turnId: input.turnId });
        const now = Date.now();
        warm = { chat: input.chat, live, launch, grant, busy: false, kept, startedAt: now, lastUsed: now };
        this.live.add(warm);
      }
      // Once this turn is over, the next new chat started this way gets a process parked for it.
      if (spares) prepare = () => this.prepareSpare(spareKey, start, launch);
    }

    const serving = warm;
    this.live.claim(serving);
    // The process's token follows its turn, so the proxy's requests join the right one.
    serving.grant?.retarget(route);
    const turn = serving.live.turn(
      { line: (uuid) => userMessageLine(input.prompt, input.images, uuid), timeoutMs: settings.run_timeout_seconds * 1000, onPermission: input.onPermission },
      (event) => {
        if (event.type === 'started') this.resolvedModels.record(target.provider, target.model, event.model);
        onEvent(event);
      },
    );
    this.active.add(turn);
    void turn.done.finally(() => {
      this.active.delete(turn);
      this.live.release(serving, settings.session_idle_seconds);
      prepare?.();
    });
    return turn;
  }

  /**
   * Whether the chat's warm process can serve this turn: it holds exactly the conversation the
   * turn continues and was started the same way. Model, provider (both through the proxy) and
   * permission mode are changed live.
   */
  private async adapt(warm: Warm, launch: Launch, from: ContinueFrom | undefined, route: ProxyRoute): Promise<boolean> {
    const live = warm.live;
    if (!from?.messageUuid || live.sessionId !== from.sessionId || live.tipMessageUuid !== from.messageUuid) return false;
    if (warm.launch.signature !== launch.signature) return false;
    try {
      // A model the CLI does not know is checked with a 1-token request: it goes to the new provider.
      warm.grant?.retarget(route);
      if (warm.launch.model !== launch.model) await live.control({ subtype: 'set_model', model: launch.model });
      if (warm.launch.permissionMode !== launch.permissionMode) await live.control({ subtype: 'set_permission_mode', mode: launch.permissionMode });
    } catch {
      return false; // refused or gone: a new process resumes the session with the new settings
    }
    warm.launch = launch;
    return true;
  }

  /** Starts a Claude Code process for a chat's turns (or parked as a spare, with --await-claim). */
  private spawn(start: StartParts, cwd: string, options: { resume?: ResumeFrom; turnId?: string; parked?: boolean }): { live: LiveSession; grant?: RunGrant } {
    const { target, role, settings } = start;
    const grant = target.proxied ? this.proxyGrant(target, options.turnId) : undefined;
    const command = {
      model: target.model,
      permissionMode: role.permissionMode,
      allowedTools: role.allowedTools,
      appendSystemPrompt: start.systemPrompt || undefined,
      maxTurns: role.maxTurns,
      resume: options.resume,
      maxRetries: settings.max_retries,
      tmpDir: this.options.tmpDir,
      providerEnv: providerEnv(target, grant && { url: this.options.proxy?.url ?? '', token: grant.token }),
      roleEnv: start.passedOn,
    };
    const args = [...claudeArgs(command), ...(options.parked ? ['--await-claim'] : [])];
    return { live: new LiveSession({ bin: start.bin, args, cwd, env: claudeEnv(this.options.env, command), log: this.options.log }), grant };
  }

  /** The parked spare for this kind of start, claimed for the chat's folder; undefined if there is none or the claim fails. */
  private async claimSpare(key: string, chat: string, cwd: string, launch: Launch, kept: boolean): Promise<Warm | undefined> {
    const spare = this.live.takeSpare(key);
    if (!spare) return undefined;
    try {
      await spare.live.control({ subtype: 'claim_session', cwd });
    } catch {
      void spare.live.kill('the spare could not be claimed');
      return undefined;
    }
    const now = Date.now();
    Object.assign(spare, { chat, launch, kept, startedAt: now, lastUsed: now });
    this.live.add(spare);
    return spare;
  }

  private prepareSpare(key: string, start: StartParts, launch: Launch): void {
    if (this.live.hasSpare(key)) return;
    try {
      const { live, grant } = this.spawn(start, this.options.tmpDir, { parked: true });
      const now = Date.now();
      this.live.setSpare(key, { chat: '', live, launch, grant, busy: false, kept: true, startedAt: now, lastUsed: now });
    } catch {
      // no spare this time (e.g. the proxy is not running): the next new chat starts its own process
    }
  }

  /** Stops every process, busy or warm, and waits until they are gone. */
  async stopAll(): Promise<void> {
    for (const turn of this.active) turn.cancel();
    await this.live.stopAll();
  }

  private proxyGrant(target: RunTarget, turnId: string | undefined): RunGrant {
    if (!this.options.proxy) throw new ProviderError(`Provider "${target.provider}" is reached through Helix's proxy, which is not running.`);
    return this.options.proxy.grant({ provider: target.provider, turnId });
  }
}

/** What points Claude Code at its provider: the proxy and the run's token, and the model tiers. */
function providerEnv(target: RunTarget, proxy: { url: string; token: string } | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (proxy) {
    env.ANTHROPIC_BASE_URL = proxy.url;
    env.ANTHROPIC_API_KEY = proxy.token;
  }
  if (target.smallFastModel) {
    // Claude Code's small/fast tier (the haiku alias) goes to the role's chosen model.
    env.ANTHROPIC_DEFAULT_HAIKU_MODEL = target.smallFastModel;
    env.ANTHROPIC_SMALL_FAST_MODEL = target.smallFastModel;
  }
  return env;
}

function failedRun(error: RunError): LiveTurn {
  const done: Promise<LiveOutcome> = Promise.resolve({ ok: false, error });
  return { pid: undefined, cancel: () => undefined, done };
}

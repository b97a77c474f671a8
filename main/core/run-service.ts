/**
 * Starts Claude Code runs for a role: resolves the provider, builds the command line, and keeps
 * track of the runs in flight so they can be counted and stopped.
 */
import { mkdirSync } from 'node:fs';
import type { RunError, RunEvent } from '../../common/run-event';
import type { ClaudeBinLookup } from '../runner/claude-bin';
import type { DiagLog } from './diag-log';
import { claudeArgs, claudeEnv, userMessageLine, type ImageBlock } from '../runner/claude-command';
import { startClaudeRun, type ClaudeRun } from '../runner/claude-run';
import type { HelixConfig, Role } from '../providers/load-config';
import type { KeyLookup } from '../providers/key-store';
import { ResolvedModels } from '../providers/claude-aliases';
import { ProviderError, resolveRunTarget, roleEnv, type RunTarget } from '../providers/run-target';
import type { ProxyRoute, RunGrant } from '../proxy/proxy-access';

/** Helix's proxy: where it listens, and a token for one run's requests. */
export interface ProxyAccess {
  url: string;
  grant(route: ProxyRoute): RunGrant;
}

export interface RunInput {
  prompt: string;
  images: ImageBlock[];
  /** The client's system messages, appended to Claude Code's system prompt. */
  systemPrompt: string;
  cwd: string;
  /** Continue this Claude Code session (forked: the original stays as it was). */
  resumeSessionId?: string;
  /** Tags the run's proxy requests, so the request log can name the turn. */
  turnId?: string;
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
  private readonly active = new Set<ClaudeRun>();
  /** What Claude Code's model aliases resolved to, per provider, as runs reported at their start. */
  readonly resolvedModels = new ResolvedModels();

  constructor(private readonly options: RunServiceOptions) {}

  /** Runs in flight. */
  get activeCount(): number {
    return this.active.size;
  }

  /**
   * Starts a run; throws ProviderError when the role cannot run as configured. A missing CLI is
   * not thrown: it ends the run with a `cli_not_found` outcome like every other failure.
   */
  start(role: Role, config: HelixConfig, input: RunInput, onEvent: (event: RunEvent) => void): ClaudeRun {
    const target = resolveRunTarget(role, config, this.options.keys);
    const passedOn = roleEnv(role, this.options.keys);
    mkdirSync(input.cwd, { recursive: true });
    mkdirSync(this.options.tmpDir, { recursive: true });

    const bin = this.options.claudeBin.path;
    if (!bin) return failedRun({ code: 'cli_not_found', detail: `looked in ${this.options.claudeBin.searched.join(', ')}` });

    const grant = target.proxied ? this.proxyGrant(target, input.turnId) : undefined;
    const systemPrompt = [role.appendSystemPrompt, input.systemPrompt].filter(Boolean).join('\n\n');
    const command = {
      model: target.model,
      permissionMode: role.permissionMode,
      allowedTools: role.allowedTools,
      appendSystemPrompt: systemPrompt || undefined,
      maxTurns: role.maxTurns,
      resumeSessionId: input.resumeSessionId,
      maxRetries: config.settings.max_retries,
      tmpDir: this.options.tmpDir,
      providerEnv: providerEnv(target, grant),
      roleEnv: passedOn,
    };
    const run = startClaudeRun(
      {
        bin,
        args: claudeArgs(command),
        cwd: input.cwd,
        env: claudeEnv(this.options.env, command),
        stdin: userMessageLine(input.prompt, input.images),
        timeoutMs: config.settings.run_timeout_seconds * 1000,
        log: this.options.log,
      },
      (event) => {
        if (event.type === 'started') this.resolvedModels.record(target.provider, target.model, event.model);
        onEvent(event);
      },
    );
    // The run's proxy token opens nothing once the run is over.
    if (grant) void run.done.finally(grant.revoke);
    this.active.add(run);
    void run.done.finally(() => this.active.delete(run));
    return run;
  }

  /** Stops every run in flight and waits until their processes are gone. */
  async stopAll(): Promise<void> {
    const runs = [...this.active];
    for (const run of runs) run.cancel();
    await Promise.all(runs.map((run) => run.done));
  }

  private proxyGrant(target: RunTarget, turnId: string | undefined): RunGrant & { url: string } {
    if (!this.options.proxy) throw new ProviderError(`Provider "${target.provider}" is reached through Helix's proxy, which is not running.`);
    return { url: this.options.proxy.url, ...this.options.proxy.grant({ provider: target.provider, turnId }) };
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

function failedRun(error: RunError): ClaudeRun {
  return { pid: undefined, cancel: () => undefined, done: Promise.resolve({ ok: false, error }) };
}

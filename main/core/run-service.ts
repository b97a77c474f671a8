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
import { resolveRunTarget, type ProxyAccess } from '../providers/run-target';

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
  /** The environment claude runs in (without the parent's ANTHROPIC_* variables). */
  env: NodeJS.ProcessEnv;
  keys: KeyLookup;
  /** The runner's diagnostic log. */
  log?: DiagLog;
}

export class RunService {
  private readonly active = new Set<ClaudeRun>();

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
    const target = resolveRunTarget(role, config, this.options.keys, this.options.proxy, input.turnId);
    mkdirSync(input.cwd, { recursive: true });
    mkdirSync(this.options.tmpDir, { recursive: true });

    const bin = this.options.claudeBin.path;
    if (!bin) return failedRun({ code: 'cli_not_found', detail: `looked in ${this.options.claudeBin.searched.join(', ')}` });

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
      providerEnv: target.env,
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
      onEvent,
    );
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
}

function failedRun(error: RunError): ClaudeRun {
  return { pid: undefined, cancel: () => undefined, done: Promise.resolve({ ok: false, error }) };
}

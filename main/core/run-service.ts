/**
 * Starts Claude Code runs for a role: resolves the provider, prepares the working directory and
 * a private TMPDIR, and keeps track of the runs in flight so they can be listed and stopped.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunError, RunEvent } from '../../common/run-event';
import type { ClaudeBinLookup } from '../runner/claude-bin';
import { claudeArgs, claudeEnv } from '../runner/claude-command';
import { startClaudeRun, type ClaudeRun } from '../runner/claude-run';
import type { HelixConfig, Role } from '../providers/load-config';
import { resolveRunTarget } from '../providers/run-target';

export interface TurnInput {
  prompt: string;
  systemPrompt: string;
}

export interface RunServiceOptions {
  dataDir: string;
  tmpDir: string;
  claudeBin: ClaudeBinLookup;
  env: NodeJS.ProcessEnv;
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
  start(role: Role, config: HelixConfig, turn: TurnInput, onEvent: (event: RunEvent) => void): ClaudeRun {
    const target = resolveRunTarget(role, config, this.options.env);
    const cwd = role.cwd ?? path.join(this.options.dataDir, 'workspaces', role.name);
    mkdirSync(cwd, { recursive: true });
    mkdirSync(this.options.tmpDir, { recursive: true });

    const bin = this.options.claudeBin.path;
    if (!bin) return failedRun({ code: 'cli_not_found', detail: `looked in ${this.options.claudeBin.searched.join(', ')}` });

    const systemPrompt = [role.appendSystemPrompt, turn.systemPrompt].filter(Boolean).join('\n\n');
    const command = {
      model: target.model,
      permissionMode: role.permissionMode,
      allowedTools: role.allowedTools,
      appendSystemPrompt: systemPrompt || undefined,
      maxRetries: config.settings.max_retries,
      tmpDir: this.options.tmpDir,
      providerEnv: target.env,
    };
    const run = startClaudeRun(
      {
        bin,
        args: claudeArgs(command),
        cwd,
        env: claudeEnv(this.options.env, command),
        prompt: turn.prompt,
        timeoutMs: config.settings.run_timeout_seconds * 1000,
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

/**
 * The app's core, shared by the desktop shell and the headless `serve` command: loads the
 * config, finds the CLI, restores the sessions, and runs the OpenAI-compatible server.
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { buildApiServer } from '../server/api-server';
import { loadConfig, type HelixConfig } from '../providers/load-config';
import { findClaudeBin } from '../runner/claude-bin';
import { SessionStore } from '../sessions/session-store';
import { TurnService } from '../sessions/turn-service';
import { TaskService } from '../tasks/task-service';
import { resolveApiKey, resolveConfigPath, runTmpDir } from './data-dir';
import { RunService } from './run-service';
import { RunSlots } from './run-slots';
import { APP_VERSION } from './version';

export interface CoreOptions {
  dataDir: string;
  /** llm-providers.yaml; default: the data dir's copy. */
  configPath?: string;
  host: string;
  port: number;
  env?: NodeJS.ProcessEnv;
}

export interface HelixCore {
  /** http://host:port/v1 */
  apiBaseUrl: string;
  apiKey: string;
  apiKeySource: string;
  configPath: string;
  config: HelixConfig;
  claudeBin: string | null;
  sessions: SessionStore;
  close(): Promise<void>;
}

/** Starts the core; throws ConfigError for an invalid config and the listen error for a taken port. */
export async function startHelixCore(options: CoreOptions): Promise<HelixCore> {
  const env = options.env ?? process.env;
  mkdirSync(options.dataDir, { recursive: true });
  const configPath = resolveConfigPath(options.configPath, options.dataDir);
  const config = loadConfig(configPath);
  const { key, source } = resolveApiKey(env, options.dataDir);
  const claudeBin = findClaudeBin(env);

  const sessions = new SessionStore(options.dataDir);
  sessions.load();
  const runs = new RunService({ tmpDir: runTmpDir(options.dataDir), claudeBin, env });
  const turns = new TurnService(sessions, runs, new RunSlots(config.settings.max_concurrent_runs));
  const tasks = new TaskService(sessions, env);

  const server = buildApiServer({ apiKey: key, getConfig: () => config, runs, turns, tasks, version: APP_VERSION, claudeBinPath: claudeBin.path });
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    apiBaseUrl: `http://${host}:${address.port}/v1`,
    apiKey: key,
    apiKeySource: source,
    configPath,
    config,
    claudeBin: claudeBin.path,
    sessions,
    async close() {
      turns.cancelAll();
      await runs.stopAll();
      await server.close();
      tasks.close();
      sessions.close();
    },
  };
}

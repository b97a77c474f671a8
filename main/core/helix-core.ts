/**
 * The app's core, shared by the desktop shell and the headless `serve` command: loads the
 * config, finds the CLI, and runs the OpenAI-compatible server.
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { buildApiServer } from '../server/api-server';
import { loadConfig, type HelixConfig } from '../providers/load-config';
import { findClaudeBin } from '../runner/claude-bin';
import { resolveApiKey, resolveConfigPath, runTmpDir } from './data-dir';
import { RunService } from './run-service';
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
  const runs = new RunService({ dataDir: options.dataDir, tmpDir: runTmpDir(options.dataDir), claudeBin, env });

  const server = buildApiServer({ apiKey: key, getConfig: () => config, runs, version: APP_VERSION, claudeBinPath: claudeBin.path });
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
    async close() {
      await runs.stopAll();
      await server.close();
    },
  };
}

/**
 * The app's core, shared by the desktop shell and the headless `serve` command: the live
 * config, the translating proxy, the sessions, and the OpenAI-compatible server.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ConfigStore } from '../providers/config-store';
import { KeyStore } from '../providers/key-store';
import { providerStatuses } from '../providers/provider-status';
import { buildProxyServer } from '../proxy/proxy-server';
import { RequestLog } from '../proxy/request-log';
import { findClaudeBin } from '../runner/claude-bin';
import { buildApiServer } from '../server/api-server';
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
  config: ConfigStore;
  claudeBin: string | null;
  sessions: SessionStore;
  /** Provider keys stored in the app (the environment wins over them). */
  keys: KeyStore;
  /** The translating proxy's base URL and its requests. */
  proxyUrl: string;
  proxyRequests: RequestLog;
  close(): Promise<void>;
}

/** Starts the core; throws ConfigError for an invalid config and the listen error for a taken port. */
export async function startHelixCore(options: CoreOptions): Promise<HelixCore> {
  const env = options.env ?? process.env;
  mkdirSync(options.dataDir, { recursive: true });
  const configPath = resolveConfigPath(options.configPath, options.dataDir);
  const config = new ConfigStore(configPath);
  const { key, source } = resolveApiKey(env, options.dataDir);
  const claudeBin = findClaudeBin(env);
  const sessions = new SessionStore(options.dataDir);
  sessions.load();
  const keyStore = new KeyStore(options.dataDir);
  const keys = keyStore.lookup(env);

  // The proxy only ever serves this machine's claude processes: loopback, with a key made per start.
  const proxyRequests = new RequestLog();
  const proxyKey = `sk-helix-proxy-${randomBytes(18).toString('base64url')}`;
  const proxy = buildProxyServer({ key: proxyKey, getConfig: () => config.current, keys, requests: proxyRequests });
  const proxyUrl = await listen(proxy, '127.0.0.1', 0);
  proxyRequests.onEntry(({ turnId, ...entry }) => {
    const owner = turnId ? sessions.findTurn(turnId) : undefined;
    if (owner) sessions.log(owner.session.id).append({ type: 'proxy_request', turnId, ...entry });
  });

  const runs = new RunService({ tmpDir: runTmpDir(options.dataDir), claudeBin, env, keys, proxy: { url: proxyUrl, key: proxyKey } });
  const slots = new RunSlots(config.current.settings.max_concurrent_runs);
  config.onChange(({ config: current }) => slots.setLimit(current.settings.max_concurrent_runs));
  config.watch();
  const turns = new TurnService(sessions, runs, slots, proxyRequests);
  const tasks = new TaskService(sessions, keys);

  const server = buildApiServer({
    apiKey: key,
    getConfig: () => config.current,
    runs,
    turns,
    tasks,
    version: APP_VERSION,
    claudeBinPath: claudeBin.path,
    status: () => ({ providers: providerStatuses(config.current, keys), configError: config.error?.message ?? null }),
  });
  let apiUrl: string;
  try {
    apiUrl = await listen(server, options.host, options.port);
  } catch (error) {
    config.close();
    await proxy.close();
    tasks.close();
    sessions.close();
    throw error;
  }

  return {
    apiBaseUrl: `${apiUrl}/v1`,
    apiKey: key,
    apiKeySource: source,
    configPath,
    config,
    claudeBin: claudeBin.path,
    sessions,
    keys: keyStore,
    proxyUrl,
    proxyRequests,
    async close() {
      config.close();
      // No new turns first; then every run in flight is stopped before the logs close.
      await server.close();
      turns.cancelAll();
      await runs.stopAll();
      await proxy.close();
      tasks.close();
      sessions.close();
    },
  };
}

async function listen(server: FastifyInstance, host: string, port: number): Promise<string> {
  await server.listen({ host, port });
  const address = server.server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/**
 * The app's core, shared by the desktop shell and the headless `serve` command: the live
 * config, the translating proxy, the sessions, and the OpenAI-compatible server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApprovalService } from '../approvals/approval-service';
import type { DiagLogTail, RequestEntry } from '../../common/control';
import { turnInFlight } from '../../common/session';
import { ControlService } from '../control/control-service';
import { UsageIndex } from '../usage/usage-index';
import { buildControlServer } from '../control/control-http';
import { ConfigStore } from '../providers/config-store';
import { KeyStore } from '../providers/key-store';
import { providerStatuses } from '../providers/provider-status';
import { buildProxyServer } from '../proxy/proxy-server';
import { RunTokens } from '../proxy/proxy-access';
import { RequestLog, type ProxyRequestEntry } from '../proxy/request-log';
import { findClaudeBin } from '../runner/claude-bin';
import { checkClaude } from '../runner/claude-setup';
import { runTestChat } from '../control/setup-test-chat';
import { claudeProjectsDir, removeTranscripts } from '../runner/claude-transcripts';
import { UnusedTranscripts } from '../turns/unused-transcripts';
import { ApiRequestLog, type ApiRequestEntry } from '../server/api-request-log';
import { buildApiServer } from '../server/api-server';
import { SessionStore } from '../sessions/session-store';
import { Retention } from '../sessions/retention';
import { inFlight as sessionInFlight } from '../sessions/session-summary';
import { StorageMeter } from './storage-usage';
import { TurnService } from '../turns/turn-service';
import { TaskService } from '../tasks/task-service';
import { acquireDataDirLock, type DataDirLock } from '../platform/data-dir-lock';
import { freeBytes, resolveApiKey, resolveConfigPath, runTmpDir, writeOrWarn } from '../platform/data-dir';
import { isLevel, openDiagLog, resolveLogLevel, type DiagLog } from '../platform/diag-log';
import { readLogTail } from '../platform/log-tail';
import { RunService } from '../turns/run-service';
import { ServiceSupervisor } from '../services/service-supervisor';
import { RunSlots } from '../turns/run-slots';
import { ServerComponent } from '../platform/server-component';
import { APP_VERSION } from '../platform/version';

/** The sessions' index is checked against the folders this long after the app serves. */
const CHECK_AFTER_MS = 1000;

export interface CoreOptions {
  dataDir: string;
  /** llm-providers.yaml; default: the data dir's copy. */
  configPath?: string;
  host: string;
  port: number;
  /** The control panel's port; default: the API port + 1 (any free port when the API port is 0). */
  controlPort?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * The desktop app: a port already in use leaves that server failed, its reason shown in the
   * panel and a Start button to retry, instead of failing the whole start.
   */
  keepGoingIfPortTaken?: boolean;
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
  control: ControlService;
  /** Permission prompts waiting for an answer. */
  approvals: ApprovalService;
  /** The control panel, with its token in the fragment (never sent over the wire by a browser). */
  controlUrl: string;
  controlToken: string;
  /** The diagnostic log (`<data dir>/logs/helix.log`), for the shell's own records: take a child naming the component. */
  log: DiagLog;
  close(): Promise<void>;
}

/**
 * Starts the core; throws ConfigError for an invalid config, the listen error for a taken port,
 * and DataDirLockedError when another Helix uses the data dir (then nothing in it is touched).
 */
export async function startHelixCore(options: CoreOptions): Promise<HelixCore> {
  mkdirSync(options.dataDir, { recursive: true });
  const lock = await acquireDataDirLock(options.dataDir);
  try {
    return await startLocked(options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(options: CoreOptions, lock: DataDirLock): Promise<HelixCore> {
  const env = options.env ?? process.env;
  const diag = openDiagLog({ dir: path.join(options.dataDir, 'logs'), level: resolveLogLevel(env.HELIX_LOG_LEVEL, 'info') });
  const log = diag.log.child({ component: 'app' });
  log.info({ version: APP_VERSION, pid: process.pid, dataDir: options.dataDir, host: options.host, port: options.port }, 'starting');
  const wanted = env.HELIX_LOG_LEVEL?.trim().toLowerCase();
  if (wanted && !isLevel(wanted)) log.warn({ HELIX_LOG_LEVEL: wanted.slice(0, 20) }, 'HELIX_LOG_LEVEL names no level (fatal, error, warn, info, debug, trace, silent): settings.log_level is used');
  const configPath = resolveConfigPath(options.configPath, options.dataDir);
  let config: ConfigStore;
  try {
    config = new ConfigStore(configPath);
  } catch (error) {
    log.error({ file: configPath, error: (error as Error).message }, 'cannot start: the config is invalid');
    diag.close();
    throw error;
  }
  diag.log.level = resolveLogLevel(env.HELIX_LOG_LEVEL, config.current.settings.log_level);
  config.onChange(({ config: current, error }) => {
    diag.log.level = resolveLogLevel(env.HELIX_LOG_LEVEL, current.settings.log_level);
    if (error) log.warn({ file: configPath, error: error.message }, 'config file invalid; the last good config stays in force');
    else log.info({ file: configPath }, 'config reloaded');
  });
  const { key, source } = resolveApiKey(env, options.dataDir);
  const claudeBin = findClaudeBin(env);
  const sessions = new SessionStore(options.dataDir);
  sessions.load();
  const storage = new StorageMeter(options.dataDir, claudeProjectsDir(env), sessions);
  const keyStore = new KeyStore(options.dataDir);
  const keys = keyStore.lookup(env);

  // The proxy only ever serves this machine's claude processes: loopback, each run with a token of its own.
  const proxyRequests = new RequestLog();
  const runTokens = new RunTokens();
  const proxyComponent = new ServerComponent('proxy', () => buildProxyServer({ authorize: runTokens.authorize, getConfig: () => config.current, keys, requests: proxyRequests, log: diag.log.child({ component: 'proxy' }) }), '127.0.0.1', 0);
  const proxyUrl = await proxyComponent.start();
  proxyRequests.onEntry(({ turnId, seq: _seq, ...entry }) => {
    const owner = turnId ? sessions.findTurn(turnId) : undefined;
    if (owner) writeOrWarn(() => sessions.log(owner.session.id).append({ type: 'proxy_request', turnId, ...entry }));
  });

  const runs = new RunService({ tmpDir: runTmpDir(options.dataDir), claudeBin, env, keys, proxy: { url: proxyUrl, grant: (route) => runTokens.grant(route) }, log: diag.log.child({ component: 'runner' }) });
  // Each chat's log tells its warm process's life: started, each turn, idle, closed and why.
  runs.live.onChange((sessionId, { from, to, reason }) => {
    if (sessions.get(sessionId)) writeOrWarn(() => sessions.log(sessionId).append({ type: 'live', from, to, reason }));
  });
  const slots = new RunSlots(config.current.settings.max_concurrent_runs);
  config.onChange(({ config: current }) => slots.setLimit(current.settings.max_concurrent_runs));
  config.watch();
  // Permission prompts wait here for a person; "allow always for this role" writes the config file.
  const approvals = new ApprovalService({ addRoleRule: (role, rule) => void config.addRoleAllowedTool(role, rule) });
  // A chat's Claude Code sessions that no turn can continue any more (stopped or refused branches) are deleted.
  const transcripts = new UnusedTranscripts(sessions, runs.live, (ids, cwd) => removeTranscripts(env, ids, cwd), diag.log.child({ component: 'transcripts' }));
  const turns = new TurnService(sessions, runs, slots, { proxyRequests, approvals, transcripts });
  const tasks = new TaskService(sessions, keys, (provider, model) => runs.resolvedModels.apiModel(provider, model));

  const apiRequests = new ApiRequestLog();
  // The panel's view of both logs: a turn's API request carries the provider's error its proxy request got.
  const apiEntry = ({ seq, ...r }: ApiRequestEntry): RequestEntry => {
    const providerError = r.turnId && r.error ? proxyRequests.list().findLast((p) => p.turnId === r.turnId && p.providerError)?.providerError : undefined;
    return { id: `api-${seq}`, source: 'api', ...r, ...(providerError ? { providerError } : {}) };
  };
  const proxyEntry = (r: ProxyRequestEntry): RequestEntry => ({
    id: `proxy-${r.seq}`,
    source: 'proxy',
    at: r.at,
    method: 'POST',
    path: `/p/${r.provider}/v1/messages`,
    client: 'Claude Code',
    model: r.model || undefined,
    modelAnswered: r.modelAnswered,
    provider: r.provider,
    status: r.status,
    latencyMs: r.latencyMs,
    tokens: (r.inputTokens ?? 0) + (r.outputTokens ?? 0) || undefined,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    turnId: r.turnId,
    sessionId: r.turnId ? sessions.sessionIdOfTurn(r.turnId) : undefined,
    error: r.error,
    providerError: r.providerError,
  });
  const api = new ServerComponent(
    'api',
    () =>
      buildApiServer({
        apiKey: key,
        getConfig: () => config.current,
        runs,
        turns,
        tasks,
        version: APP_VERSION,
        claudeBinPath: claudeBin.path,
        status: () => ({ providers: providerStatuses(config.current, keys), configError: config.error?.message ?? null, data_dir: { path: options.dataDir, free_bytes: freeBytes(options.dataDir) } }),
        requests: apiRequests,
        log: diag.log.child({ component: 'api' }),
      }),
    options.host,
    options.port,
  );
  // The supervisor reports to the control service, which is built after it.
  let notify = (): void => undefined;
  const services = new ServiceSupervisor({ onChange: () => notify(), log: diag.log.child({ component: 'services' }) });
  await services.sync(config.current.services);
  config.onChange(({ config: current }) => void services.sync(current.services));
  const controlToken = randomBytes(18).toString('base64url');
  const controlService = new ControlService({
    version: APP_VERSION,
    claudeCli: claudeBin.path,
    config,
    sessions,
    turns,
    approvals,
    keyStore,
    keys,
    apiModel: (provider, model) => runs.resolvedModels.apiModel(provider, model),
    components: { api, proxy: proxyComponent },
    services,
    requests: () => [...apiRequests.latest(500).map(apiEntry), ...proxyRequests.latest(500).map(proxyEntry)].sort((a, b) => b.at.localeCompare(a.at)),
    onRequest: (listener) => {
      apiRequests.onEntry((r) => listener(apiEntry(r)));
      proxyRequests.onEntry((r) => listener(proxyEntry(r)));
    },
    setupCheck: async () => ({ claude: await checkClaude(findClaudeBin(env), env), apiBaseUrl: api.state.url ? `${api.state.url}/v1` : '' }),
    testChat: (model, chatId) =>
      runTestChat({ apiBaseUrl: api.state.state === 'running' && api.state.url ? `${api.state.url}/v1` : null, apiKey: key, timeoutMs: config.current.settings.run_timeout_seconds * 1000 + 10_000, sessionOf: (id) => sessions.findByChatId(id)?.id ?? null }, model, chatId),
    storage: () => ({ dataDir: options.dataDir, freeBytes: freeBytes(options.dataDir), checkingSessions: !sessions.isChecked }),
    live: {
      list: () => runs.live.list().map(({ chat, ...info }) => ({ sessionId: chat, ...info })),
      close: (sessionId) => runs.live.close(sessionId),
      onStartOrEnd: (listener) => runs.live.onChange((_chat, change) => {
        if (change.from === 'starting' || change.to === 'closed' || change.to === 'crashed') listener();
      }),
    },
    deleteTranscripts: (ids) => removeTranscripts(env, ids),
    storageUsage: (fresh) => storage.usage(fresh),
    diagLog: (lines, level, text) => ({ file: diag.file, level: diag.log.level as DiagLogTail['level'], entries: readLogTail(diag.files, lines, level, text) }),
    connection: () => ({ baseUrl: `${api.state.url ?? ''}/v1`, apiKey: key, headers: { 'X-Helix-Chat-Id': '{{CHAT_ID}}', 'X-Helix-Task': '{{TASK}}' } }),
    // Built from the sessions' index when first asked for; session changes keep it up to date.
    usage: new UsageIndex(() => sessions.entries()),
  });
  notify = () => controlService.notify();

  // Sessions deleted on their own (settings.retention), through the panel's Delete; never one that is busy.
  const retention = new Retention({
    oldest: () => sessions.oldest(),
    policy: () => ({ maxAgeDays: config.current.settings.retention.max_age_days, maxTotalMb: config.current.settings.retention.max_total_mb }),
    busy: (id) => runs.live.list().some((live) => live.chat === id) || sessionInFlight(sessions.held(id)),
    remove: (id) => controlService.deleteSession(id),
    sizeOf: (id) => storage.sessionBytes(id),
    totalBytes: () => storage.sessionsBytes(),
    log: diag.log.child({ component: 'retention' }),
  });
  sessions.onChange((session) => {
    const last = session.turns.at(-1);
    if (last?.endedAt !== undefined && !turnInFlight(last)) retention.turnEnded();
  });

  let apiUrl: string;
  let controlServer: ServerComponent | undefined;
  let controlUrl: string;
  const start = async (server: ServerComponent): Promise<void> => {
    try {
      await server.start();
    } catch (error) {
      if (!options.keepGoingIfPortTaken || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      console.warn(`Helix: ${server.state.lastError}`);
      log.warn({ server: server.state.name, error: server.state.lastError }, 'server not started: its port is taken');
    }
  };
  let checkTimer: NodeJS.Timeout | undefined;
  const close = async (): Promise<void> => {
    clearTimeout(checkTimer);
    retention.stop();
    config.close();
    // No new turns first; then every run in flight is stopped before the logs close.
    await controlServer?.stop();
    await api.stop();
    await services.stopAll();
    turns.cancelAll();
    await runs.stopAll();
    await proxyComponent.stop();
    tasks.close();
    // Session files being written finish before the store closes (and the data dir may be removed).
    await sessions.flush();
    sessions.close();
    log.info({}, 'stopped');
    diag.close();
    lock.release();
  };
  try {
    await start(api);
    apiUrl = api.state.url ?? `http://${options.host}:${options.port}`;
    const controlPort = options.controlPort ?? (options.port === 0 ? 0 : Number(new URL(apiUrl).port) + 1);
    controlServer = new ServerComponent('control', () => buildControlServer({ token: controlToken, service: controlService, rendererDir: rendererDir(), log: diag.log.child({ component: 'control' }) }), options.host, controlPort);
    await start(controlServer);
    controlUrl = controlServer.state.url ?? `http://${options.host}:${controlPort}`;
    lock.setUrls({ apiUrl: `${apiUrl}/v1`, controlUrl });
    log.info({ api: apiUrl, control: controlUrl, proxy: proxyUrl }, 'ready');
    // Serving: the sessions' index is checked against their folders in the background, once the
    // requests that come with a start (clients reconnecting, the panel) have been served.
    checkTimer = setTimeout(() => void sessions.startChecking(), CHECK_AFTER_MS).unref();
    retention.start();
  } catch (error) {
    log.error({ error: (error as Error).message }, 'cannot start');
    await close();
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
    control: controlService,
    approvals,
    controlUrl: `${controlUrl}/#token=${controlToken}`,
    controlToken,
    log: diag.log,
    close,
  };
}

/** The built control panel (out/renderer), looked for above this module as its depth differs in source and build. */
function rendererDir(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    if (existsSync(path.join(dir, 'out', 'renderer', 'index.html'))) return path.join(dir, 'out', 'renderer');
    if (path.basename(dir) === 'out' && existsSync(path.join(dir, 'renderer', 'index.html'))) return path.join(dir, 'renderer');
    dir = path.dirname(dir);
  }
  return null;
}

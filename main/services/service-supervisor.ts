/**
 * Supervises the services named in the config: processes it keeps running (restarted with
 * back-off when they crash), commands it runs on request (a restart of a server that lives
 * elsewhere), health checks, and a bounded log of what each printed.
 */
import { execa, type ResultPromise } from 'execa';
import type { ServiceState } from '../../common/control';
import { NO_LOG, type DiagLog } from '../platform/diag-log';
import type { ServiceConfig } from '../providers/config-schema';
import { isAlive, killTreeWindows, listDescendants, signalAll } from '../platform/process-tree';

const OUTPUT_LINES = 200;
const HEALTH_EVERY_MS = 10_000;
/** A process that ran this long without crashing has its back-off reset. */
const STABLE_MS = 30_000;

interface SupervisorOptions {
  /** First back-off delay; doubled after each crash up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  healthEveryMs?: number;
  onChange?: () => void;
  /** Starts, exits and restart decisions (never a command's arguments: they may hold a key). */
  log?: DiagLog;
}

interface Service {
  config: ServiceConfig;
  state: ServiceState;
  child?: ResultPromise;
  stopping: boolean;
  backoffMs: number;
  restartTimer?: NodeJS.Timeout;
  healthTimer?: NodeJS.Timeout;
}

export class ServiceSupervisor {
  private readonly services = new Map<string, Service>();
  private readonly base: number;
  private readonly max: number;
  private readonly log: DiagLog;

  constructor(private readonly options: SupervisorOptions = {}) {
    this.base = options.backoffBaseMs ?? 1000;
    this.max = options.backoffMaxMs ?? 60_000;
    this.log = options.log ?? NO_LOG;
  }

  /** Follows the config: new services are added (and started if autostart), removed ones stopped. */
  async sync(configs: Record<string, ServiceConfig>): Promise<void> {
    for (const [name, service] of this.services) {
      if (!configs[name]) {
        await this.stop(name);
        clearInterval(service.healthTimer);
        this.services.delete(name);
      }
    }
    for (const [name, config] of Object.entries(configs)) {
      const existing = this.services.get(name);
      if (existing) {
        existing.config = config;
        continue;
      }
      const service: Service = {
        config,
        stopping: false,
        backoffMs: this.base,
        state: { name, kind: config.command ? 'process' : 'command', state: 'stopped', pid: null, startedAt: null, lastError: null, restarts: 0, health: 'unknown', output: [] },
      };
      this.services.set(name, service);
      if (config.health_url) service.healthTimer = setInterval(() => void this.checkHealth(service), this.options.healthEveryMs ?? HEALTH_EVERY_MS).unref();
      if (config.command && config.autostart) this.spawn(service);
    }
    this.changed();
  }

  list(): ServiceState[] {
    return [...this.services.values()].map((s) => this.snapshot(s));
  }

  async start(name: string): Promise<ServiceState> {
    const service = this.get(name);
    if (service.config.command && !service.child) {
      service.backoffMs = this.base;
      this.spawn(service);
    }
    return this.snapshot(service);
  }

  async stop(name: string): Promise<ServiceState> {
    const service = this.get(name);
    clearTimeout(service.restartTimer);
    service.stopping = true;
    if (service.config.stop_command) await this.runCommand(service, service.config.stop_command);
    if (service.child) await terminate(service.child);
    this.log.info({ service: name }, 'service stopped');
    service.state.state = 'stopped';
    service.state.pid = null;
    service.state.startedAt = null;
    this.changed();
    return this.snapshot(service);
  }

  async restart(name: string): Promise<ServiceState> {
    const service = this.get(name);
    if (service.config.restart_command) {
      service.state.state = 'restarting';
      this.changed();
      const ok = await this.runCommand(service, service.config.restart_command);
      if (!service.config.command) service.state.state = ok ? 'running' : 'failed';
      if (ok) service.state.startedAt = new Date().toISOString();
      this.changed();
      return this.snapshot(service);
    }
    await this.stop(name);
    return this.start(name);
  }

  async stopAll(): Promise<void> {
    for (const [name, service] of this.services) {
      clearInterval(service.healthTimer);
      if (service.child) await this.stop(name);
    }
  }

  private spawn(service: Service): void {
    const [file, ...args] = service.config.command as string[];
    service.stopping = false;
    service.state.state = 'starting';
    // Its own process group, so stopping it reaches everything it started (stop() ends the group).
    const child = execa(file as string, args, { cwd: service.config.cwd, reject: false, buffer: false, detached: process.platform !== 'win32', stdin: 'ignore', all: true });
    service.child = child;
    service.state.pid = child.pid ?? null;
    this.log.info({ service: service.state.name, pid: child.pid ?? null, executable: file, restarts: service.state.restarts }, 'service started');
    service.state.startedAt = new Date().toISOString();
    child.all?.on('data', (chunk: Buffer) => this.output(service, chunk.toString('utf8')));
    child.once('spawn', () => {
      service.state.state = 'running';
      this.changed();
    });
    void child.then((result) => {
      service.child = undefined;
      service.state.pid = null;
      if (service.stopping) return;
      const ranFor = Date.now() - Date.parse(service.state.startedAt ?? new Date().toISOString());
      if (ranFor > STABLE_MS) service.backoffMs = this.base;
      const cause = (result.cause as Error | undefined)?.message;
      service.state.lastError = cause ?? `exited with ${result.signal ? `signal ${result.signal}` : `code ${result.exitCode}`}`;
      service.state.state = 'failed';
      const exited = { service: service.state.name, exitCode: result.exitCode ?? null, signal: result.signal ?? null, ranMs: ranFor, error: service.state.lastError };
      if (service.config.restart_on_crash) {
        service.state.state = 'restarting';
        const delay = service.backoffMs;
        this.log.warn({ ...exited, restartInMs: delay }, 'service exited; restarting');
        service.backoffMs = Math.min(service.backoffMs * 2, this.max);
        service.restartTimer = setTimeout(() => {
          service.state.restarts += 1;
          this.spawn(service);
        }, delay);
        service.restartTimer.unref();
      } else this.log.warn(exited, 'service exited; not restarted (restart_on_crash is off)');
      this.changed();
    });
    this.changed();
  }

  private async runCommand(service: Service, command: string[]): Promise<boolean> {
    const [file, ...args] = command;
    const result = await execa(file as string, args, { cwd: service.config.cwd, reject: false, all: true, stdin: 'ignore', timeout: 120_000 });
    this.output(service, `$ ${command.join(' ')}\n${result.all ?? ''}`);
    const ok = result.exitCode === 0;
    this.log[ok ? 'info' : 'warn']({ service: service.state.name, executable: file, exitCode: result.exitCode ?? null, ok }, 'service command ran');
    service.state.lastError = ok ? null : `${command.join(' ')}: ${(result.cause as Error | undefined)?.message ?? `exit code ${result.exitCode}`}`;
    return ok;
  }

  private async checkHealth(service: Service): Promise<void> {
    const url = service.config.health_url as string;
    let health: ServiceState['health'];
    try {
      health = (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? 'ok' : 'failing';
    } catch {
      health = 'failing';
    }
    if (health !== service.state.health) {
      this.log[health === 'ok' ? 'info' : 'warn']({ service: service.state.name, health }, 'service health changed');
      service.state.health = health;
      this.changed();
    }
  }

  private output(service: Service, text: string): void {
    const lines = text.split('\n').filter((line) => line.length > 0);
    service.state.output.push(...lines.map((line) => line.slice(0, 2000)));
    if (service.state.output.length > OUTPUT_LINES) service.state.output.splice(0, service.state.output.length - OUTPUT_LINES);
  }

  private get(name: string): Service {
    const service = this.services.get(name);
    if (!service) throw new Error(`No service "${name}" in the config.`);
    return service;
  }

  private snapshot(service: Service): ServiceState {
    return { ...service.state, output: [...service.state.output] };
  }

  private changed(): void {
    this.options.onChange?.();
  }
}

/**
 * SIGTERM to the service's process group and every descendant found, then SIGKILL of what is
 * left after 3 s; the group also catches children forked after the tree was listed.
 */
async function terminate(child: ResultPromise): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    killTreeWindows(pid);
    await child;
    return;
  }
  const tree = listDescendants(pid);
  signalAll([-pid, pid, ...tree], 'SIGTERM');
  const killer = setTimeout(() => signalAll([-pid, pid, ...tree].filter((p) => p < 0 || isAlive(p)), 'SIGKILL'), 3000);
  await child;
  clearTimeout(killer);
  signalAll([-pid, ...tree.filter(isAlive)], 'SIGKILL');
}

/** Managed services: a process kept running with back-off, a restart command, output and health. */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceSupervisor } from '../../main/services/service-supervisor';
import { isAlive } from '../../main/platform/process-tree';

let supervisor: ServiceSupervisor | undefined;
afterEach(async () => {
  await supervisor?.stopAll();
  supervisor = undefined;
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-services-'));
const script = (name: string, body: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
};

/** How long a service may take to reach a state. */
const POLL = { timeout: 5000, interval: 25 };

describe('ServiceSupervisor', () => {
  it('restarts a crashing process with growing back-off, and keeps what it printed', async () => {
    const crasher = script('crash.mjs', "console.log('starting up'); setTimeout(() => { console.error('boom'); process.exit(3); }, 50);");
    supervisor = new ServiceSupervisor({ backoffBaseMs: 100, backoffMaxMs: 1000 });
    const started = Date.now();
    await supervisor.sync({ crasher: { command: ['node', crasher], autostart: true, restart_on_crash: true } });
    const state = (): ReturnType<ServiceSupervisor['list']>[number] => supervisor!.list()[0]!;
    await expect.poll(() => state().restarts, POLL).toBeGreaterThanOrEqual(3);
    // 100 + 200 + 400 ms of back-off at least, plus the runs themselves.
    expect(Date.now() - started).toBeGreaterThan(700);
    expect(state().lastError).toBe('exited with code 3');
    expect(state().output).toEqual(expect.arrayContaining(['starting up', 'boom']));
  });

  it('stops a process (and its children) and does not bring it back', async () => {
    const sleeper = script('sleeper.sh', 'sleep 30 & wait\n');
    supervisor = new ServiceSupervisor({ backoffBaseMs: 50 });
    await supervisor.sync({ sleeper: { command: ['bash', sleeper], autostart: true, restart_on_crash: true } });
    await expect.poll(() => supervisor!.list()[0]!.state, POLL).toBe('running');
    const pid = supervisor.list()[0]!.pid!;
    const stopped = await supervisor.stop('sleeper');
    expect(stopped.state).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
    await sleep(200);
    expect(supervisor.list()[0]!.state).toBe('stopped');
    expect((await supervisor.start('sleeper')).pid).not.toBe(pid);
  });

  it('runs a restart command for a server that lives elsewhere, and reports its failure', async () => {
    supervisor = new ServiceSupervisor();
    await supervisor.sync({
      remote: { restart_command: ['sh', '-c', 'echo restarting helix-api'], autostart: true, restart_on_crash: true },
      broken: { restart_command: ['sh', '-c', 'echo no such service >&2; exit 1'], autostart: true, restart_on_crash: true },
    });
    const remote = await supervisor.restart('remote');
    expect(remote).toMatchObject({ kind: 'command', state: 'running', lastError: null });
    expect(remote.output).toContain('restarting helix-api');
    const broken = await supervisor.restart('broken');
    expect(broken.state).toBe('failed');
    expect(broken.output).toContain('no such service');
    await expect(supervisor.restart('ghost')).rejects.toThrow('No service "ghost"');
  });

  it('follows config changes: removed services are stopped', async () => {
    const sleeper = script('sleeper2.sh', 'sleep 30 & wait\n');
    supervisor = new ServiceSupervisor();
    await supervisor.sync({ a: { command: ['bash', sleeper], autostart: true, restart_on_crash: true } });
    await expect.poll(() => supervisor!.list()[0]?.state, POLL).toBe('running');
    const pid = supervisor.list()[0]!.pid!;
    await supervisor.sync({});
    expect(supervisor.list()).toEqual([]);
    expect(isAlive(pid)).toBe(false);
  });

  it('checks health at its URL', async () => {
    let healthy = true;
    const server = http.createServer((_req, res) => res.writeHead(healthy ? 200 : 503).end()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    supervisor = new ServiceSupervisor({ healthEveryMs: 50 });
    await supervisor.sync({ h: { restart_command: ['true'], health_url: url, autostart: true, restart_on_crash: true } });
    await expect.poll(() => supervisor!.list()[0]!.health, POLL).toBe('ok');
    healthy = false;
    await expect.poll(() => supervisor!.list()[0]!.health, POLL).toBe('failing');
    server.close();
  });
});

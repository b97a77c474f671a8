/**
 * The commands a user or a process manager runs: `npm run serve` and the `helix` bin. A TERM to
 * the pid that was started must stop the server itself (runs cancelled, port freed), not just the
 * npm or shell process above it.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../main/platform/process-tree';
import { ROOT, serveScratch, type ServeProcess } from '../support/serve-process';

const { root, config: CONFIG } = serveScratch('helix-cmd-');

type Proc = ServeProcess;

function start(command: string, args: string[]): Proc {
  const env = { ...process.env, HELIX_API_KEY: 'k' } as Record<string, string>;
  return execa(command, args, { cwd: ROOT, reject: false, env, extendEnv: false });
}

/** Resolves with the API base URL once the ready line is printed (bounded). */
async function readyUrl(proc: Proc): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 60 s: ${output}`)), 60_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Helix API ready at (http:\/\/[\d.]+:\d+\/v1)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void proc.then((result) => reject(new Error(`exited before ready (${result.exitCode}): ${result.stderr}`)));
  });
}

/** The pids of the whole tree under `pid` (from /proc), the pid itself included. */
function tree(pid: number): number[] {
  const children = (p: number): number[] => {
    const file = `/proc/${p}/task/${p}/children`;
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts `command`, waits for ready, sends TERM to the started pid; checks that the server and its tree end and free the port. */
async function termStopsEverything(command: string, args: string[], dataDir: string): Promise<void> {
  const proc = start(command, args);
  let pids: number[] = [];
  try {
    const url = await readyUrl(proc);
    const port = Number(new URL(url).port);
    pids = tree(proc.pid as number);
    // The server itself: the node process in that tree running the serve entry or the bin.
    const serverPid = pids.find((p) => /(out\/main\/serve\.js\0|(bin\/helix\.mjs|\.bin\/helix)\0serve\0)/.test(cmdline(p)));
    expect(serverPid, `no server among ${pids.map(cmdline).join(' | ')}`).toBeDefined();
    expect(await listening(port)).toBe(true);

    process.kill(proc.pid as number, 'SIGTERM');
    const ended = await Promise.race([proc, sleep(15_000).then(() => null)]);
    expect(ended, 'the started process did not end within 15 s').not.toBeNull();
    let left = pids;
    for (let i = 0; i < 100 && left.length > 0; i++) {
      left = pids.filter((p) => isAlive(p));
      if (left.length > 0) await sleep(100);
    }
    expect(left, 'processes left from the tree').toEqual([]);
    expect(await listening(port), `port ${port} still listening`).toBe(false);
    // A graceful stop: the server released its data dir.
    expect(existsSync(path.join(dataDir, 'helix.lock')), 'lock left behind').toBe(false);
  } finally {
    for (const p of pids.filter((p) => isAlive(p))) process.kill(p, 'SIGKILL');
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}

describe.skipIf(process.platform !== 'linux')('stopping the serve commands', () => {
  it('TERM to `npm run serve` stops the server itself, gracefully, and leaves nothing running', async () => {
    const dataDir = path.join(root, 'npm');
    // --ignore-scripts skips the build step (npm test has just built), not the serve script itself.
    await termStopsEverything('npm', ['run', 'serve', '--ignore-scripts', '--', '--port', '0', '--config', CONFIG, '--data-dir', dataDir], dataDir);
  }, 60_000);

  it('TERM to `npx helix serve` does the same', async () => {
    const dataDir = path.join(root, 'npx');
    await termStopsEverything('npx', ['--no-install', 'helix', 'serve', '--port', '0', '--config', CONFIG, '--data-dir', dataDir], dataDir);
  }, 60_000);

  it('the bin explains its commands and refuses an unknown one', async () => {
    const bin = path.join(ROOT, 'bin/helix.mjs');
    const help = await execa('node', [bin, '--help'], { reject: false });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('helix serve');
    const serveHelp = await execa('node', [bin, 'serve', '--help'], { reject: false });
    expect(serveHelp.exitCode).toBe(0);
    expect(serveHelp.stdout).toContain('--data-dir');
    const unknown = await execa('node', [bin, 'serv'], { reject: false });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "serv"');
  });
});

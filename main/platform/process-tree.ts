/**
 * Finding and killing a process and everything it started.
 *
 * Claude Code's Bash tool runs in its own process group and survives a SIGKILL of the CLI,
 * so neither killing the CLI nor its group is enough: the descendants are listed (while the
 * CLI is still alive to be their parent) and killed by pid.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of every descendant of `rootPid` (children first, then theirs). */
export function listDescendants(rootPid: number): number[] {
  const parents = readParentMap();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      if (!found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Sends `signal` to each pid that still exists; a pid that is already gone is not an error. Returns the pids signalled. */
export function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): number[] {
  const reached: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      reached.push(pid);
    } catch {
      // already exited
    }
  }
  return reached;
}

/** True while the process exists and has not exited (a zombie waiting for its parent counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** pid → parent pid for every process visible to us. */
function readParentMap(): Map<number, number> {
  const map = new Map<number, number>();
  if (process.platform === 'linux') {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // "pid (comm) state ppid …": comm may contain spaces and parentheses, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        map.set(Number(entry), ppid);
      } catch {
        // exited while we were reading
      }
    }
    return map;
  }
  if (process.platform === 'win32') return map; // see killTree: taskkill /T walks the tree itself
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined && !Number.isNaN(ppid)) map.set(pid, ppid);
  }
  return map;
}

/** Force-kills a whole tree on Windows, where signals do not reach grandchildren. */
export function killTreeWindows(pid: number): void {
  try {
    execFileSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

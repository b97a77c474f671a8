/**
 * What the first-run guide needs to know about Claude Code: where it is, whether it runs
 * (`claude --version`, with a time limit), and whether it has a login of its own (a
 * subscription), from `claude auth status --json`. Only named fields of that answer are kept
 * (`loggedIn`, `authMethod`): never an e-mail, an organisation or a token. The commands run with
 * the same environment allowlist as a run, without any provider key, so "logged in" means Claude
 * Code's own login, which is what a `claude-login` provider uses.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { SetupCheck } from '../../common/setup';
import type { ClaudeBinLookup } from './claude-bin';

const TIMEOUT_MS = 10_000;
/** Variables the commands get: enough to find the CLI's own config and login, nothing secret. */
const PASSED_ON = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TZ', 'CLAUDE_CONFIG_DIR', 'SYSTEMROOT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS'];

export async function checkClaude(bin: ClaudeBinLookup, env: NodeJS.ProcessEnv, timeoutMs = TIMEOUT_MS): Promise<SetupCheck['claude']> {
  const result: SetupCheck['claude'] = { path: bin.path, searched: bin.searched, version: null, error: null, loggedIn: false, loginMethod: null };
  if (!bin.path) {
    result.error = `Claude Code was not found (looked at: ${bin.searched.join(', ')}).`;
    return result;
  }
  const commandEnv: Record<string, string> = { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' };
  for (const name of PASSED_ON) if (env[name] !== undefined) commandEnv[name] = env[name];
  const run = (args: string[]) => runBounded(bin.path!, args, commandEnv, timeoutMs);

  const version = await run(['--version']);
  if (version.timedOut) result.error = `"claude --version" did not answer within ${timeoutMs / 1000} s.`;
  else if (version.exitCode !== 0) result.error = `"claude --version" failed${version.exitCode === undefined ? '' : ` (exit code ${version.exitCode})`}: ${firstLine(version.stderr || version.stdout || (version.message ?? ''))}`;
  else result.version = firstLine(version.stdout).slice(0, 100);
  if (result.version === null) return result;

  const status = await run(['auth', 'status', '--json']);
  const answer = parseObject(status.stdout);
  if (answer && typeof answer.loggedIn === 'boolean') {
    result.loggedIn = answer.loggedIn;
    const method = typeof answer.authMethod === 'string' && /^[\w.-]{1,40}$/.test(answer.authMethod) ? answer.authMethod : null;
    result.loginMethod = answer.loggedIn ? method : null;
  } else if (credentialsFile(env)) {
    // A CLI without `auth status`: its credentials file says a login was stored (its content is not read).
    result.loggedIn = true;
    result.loginMethod = 'credentials file';
  }
  return result;
}

/**
 * Runs a command with a time limit. It runs in a process group of its own, all of which is
 * killed at the limit: a child that inherited its output (a wrapper script's) would otherwise
 * keep the pipes open and the wait going.
 */
async function runBounded(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ timedOut: boolean; exitCode?: number; stdout: string; stderr: string; message?: string }> {
  const child = execa(file, args, { env, extendEnv: false, reject: false, stdin: 'ignore', detached: process.platform !== 'win32' });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (process.platform === 'win32' || child.pid === undefined) child.kill('SIGKILL');
      else process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, timeoutMs);
  const result = await child;
  clearTimeout(timer);
  return { timedOut, exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), message: result.failed ? result.shortMessage : undefined };
}

function credentialsFile(env: NodeJS.ProcessEnv): boolean {
  const dir = env.CLAUDE_CONFIG_DIR || (env.HOME ? path.join(env.HOME, '.claude') : undefined);
  return dir !== undefined && existsSync(path.join(dir, '.credentials.json'));
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim().slice(0, 300) ?? '';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

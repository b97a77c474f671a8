/**
 * The command line and environment of one Claude Code run. Arguments are an array (never a
 * shell string). The environment is built from an allowlist: what a shell and its tools need to
 * work, what the run needs to reach Helix's proxy, and what the role explicitly passes on —
 * so nothing else of the app's environment (provider keys, Helix's own key, unrelated secrets)
 * can be read by Claude Code or the commands it runs.
 */
import type { PermissionMode } from '../providers/config-schema';

export interface CommandOptions {
  model: string;
  permissionMode: PermissionMode;
  allowedTools: string[];
  appendSystemPrompt?: string;
  maxTurns?: number;
  /** The Claude Code session to continue; see ResumeFrom. */
  resume?: ResumeFrom;
  maxRetries: number;
  /** A TMPDIR the app owns: the CLI writes sockets and scratch files there. */
  tmpDir: string;
  /** What points Claude Code at its provider: Helix's proxy and the run's token, model tiers. */
  providerEnv: Record<string, string>;
  /** The role's own `env:` entries, already resolved. */
  roleEnv: Record<string, string>;
}

/**
 * Where a process picks up a conversation: in place (the session grows, no copy), or a branch
 * forked at one of its messages (a regenerate or an edit), which leaves the original as it was.
 */
export interface ResumeFrom {
  sessionId: string;
  /** Fork: a new session holding the history up to and including this message (its uuid). */
  forkAt?: string;
}

export function claudeArgs(options: CommandOptions): string[] {
  // Turns arrive on stdin as stream-json user messages (images are real image content), one process
  // serving many of them; permission prompts come to Helix as control requests (stdio).
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages', '--permission-prompt-tool', 'stdio'];
  // The mode is passed at every start: a resumed session does not keep one set while it ran.
  args.push('--model', options.model, '--permission-mode', options.permissionMode);
  if (options.allowedTools.length > 0) args.push('--allowedTools', ...options.allowedTools);
  if (options.appendSystemPrompt) args.push('--append-system-prompt', options.appendSystemPrompt);
  if (options.maxTurns) args.push('--max-turns', String(options.maxTurns));
  if (options.resume) {
    args.push('--resume', options.resume.sessionId);
    if (options.resume.forkAt) args.push('--resume-session-at', options.resume.forkAt, '--fork-session');
  }
  return args;
}

/**
 * Variables taken from the app's environment (names compared upper-cased, as Windows does):
 * the user's identity, shell, locale and terminal, network proxies and trusted certificates,
 * where Claude Code keeps its own login, and what Windows needs to start programs.
 */
const PASSED_ON = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TZ',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'CLAUDE_CONFIG_DIR', 'CLAUDE_CODE_GIT_BASH_PATH',
  'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'PROGRAMDATA', 'PROGRAMFILES', 'HOMEDRIVE', 'HOMEPATH',
]);
const PASSED_ON_PREFIX = /^LC_/;

export function claudeEnv(parent: NodeJS.ProcessEnv, options: CommandOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    const name = key.toUpperCase();
    if (value !== undefined && (PASSED_ON.has(name) || PASSED_ON_PREFIX.test(name))) env[key] = value;
  }
  Object.assign(env, options.roleEnv, options.providerEnv, {
    TMPDIR: options.tmpDir,
    TEMP: options.tmpDir,
    TMP: options.tmpDir,
    // No update checks, telemetry or DNS look-ups: ~60 ms less per start, and nothing leaves the machine unasked.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_MAX_RETRIES: String(options.maxRetries),
    // `session_state_changed` idle after each turn: the signal that the process takes the next line.
    CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS: '1',
  });
  // Helix's proxy is on loopback: a network proxy from the user's environment must not be asked for it.
  for (const name of ['NO_PROXY', 'no_proxy']) env[name] = [env[name], '127.0.0.1,localhost,::1'].filter(Boolean).join(',');
  // The CLI refuses bypassPermissions as root unless told it runs in a sandbox; choosing the mode says so.
  if (options.permissionMode === 'bypassPermissions') env.IS_SANDBOX = '1';
  return env;
}

export interface ImageBlock {
  mediaType: string;
  data: string;
}

/**
 * The stdin line for one user turn: its text, then its images as base64 image blocks. A uuid lets
 * the CLI report the message's fate (queued, started, cancelled) and cancel it while queued.
 */
export function userMessageLine(text: string, images: ImageBlock[], uuid?: string): string {
  const content = [
    { type: 'text', text },
    ...images.map((image) => ({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.data } })),
  ];
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content }, ...(uuid ? { uuid } : {}) })}\n`;
}

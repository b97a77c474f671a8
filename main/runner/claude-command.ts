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
  resumeSessionId?: string;
  maxRetries: number;
  /** A TMPDIR the app owns: the CLI writes sockets and scratch files there. */
  tmpDir: string;
  /** What points Claude Code at its provider: Helix's proxy and the run's token, model tiers. */
  providerEnv: Record<string, string>;
  /** The role's own `env:` entries, already resolved. */
  roleEnv: Record<string, string>;
}

export function claudeArgs(options: CommandOptions): string[] {
  // The turn arrives on stdin as one stream-json user message, so images can be real image content.
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages'];
  args.push('--model', options.model, '--permission-mode', options.permissionMode);
  if (options.allowedTools.length > 0) args.push('--allowedTools', ...options.allowedTools);
  if (options.appendSystemPrompt) args.push('--append-system-prompt', options.appendSystemPrompt);
  if (options.maxTurns) args.push('--max-turns', String(options.maxTurns));
  // Forking leaves the resumed session as it was, so a later regenerate or edit can branch off it again.
  if (options.resumeSessionId) args.push('--resume', options.resumeSessionId, '--fork-session');
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

/** The stdin line for one user turn: its text, then its images as base64 image blocks. */
export function userMessageLine(text: string, images: ImageBlock[]): string {
  const content = [
    { type: 'text', text },
    ...images.map((image) => ({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.data } })),
  ];
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content } })}\n`;
}

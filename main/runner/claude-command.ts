/**
 * The command line and environment of one Claude Code run. Arguments are an array (never a
 * shell string) and the environment is the app's own: the parent's, without variables that
 * would override the chosen provider or leak the app's key, plus the provider's.
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
  providerEnv: Record<string, string>;
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

const DROPPED = [/^ANTHROPIC_/, /^HELIX_/, /^CLAUDECODE$/, /^CLAUDE_CODE_ENTRYPOINT$/];

export function claudeEnv(parent: NodeJS.ProcessEnv, options: CommandOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value !== undefined && !DROPPED.some((pattern) => pattern.test(key))) env[key] = value;
  }
  Object.assign(env, options.providerEnv, {
    TMPDIR: options.tmpDir,
    // No update checks, telemetry or DNS look-ups: ~60 ms less per start, and nothing leaves the machine unasked.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_MAX_RETRIES: String(options.maxRetries),
  });
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

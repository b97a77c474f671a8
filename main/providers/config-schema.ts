/**
 * The shape of llm-providers.yaml. Providers say how to reach a model API; `defaults` maps each
 * role (served as model `helix-<role>`) to `provider:model`, optionally with per-role run options;
 * `settings` tunes the runner and the server.
 */
import { z } from 'zod';
import { LOG_LEVELS, ON_DISCONNECT, PERMISSION_MODES } from '../../common/control';
import { APPROVAL_POLICIES } from '../../common/approval';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const PROVIDER_TYPES = ['anthropic', 'openai', 'claude-login'] as const;

export const ProviderSchema = z
  .object({
    /**
     * anthropic: a Messages API, handed to Claude Code directly (Anthropic, or a compatible endpoint);
     * openai: a Chat Completions API, reached through the built-in translating proxy;
     * claude-login: Claude Code's own login, no key.
     */
    type: z.enum(PROVIDER_TYPES),
    base_url: z.url({ protocol: /^https?$/ }).optional(),
    api_key_env: envName.optional(),
    models: z.array(z.string().min(1)).default([]),
    /** Short names for models: `fast: claude-haiku-4-5` lets a role say "anthropic:fast". */
    aliases: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Extra request headers, e.g. OpenRouter's HTTP-Referer and X-Title. */
    headers: z.record(z.string().min(1), z.string()).default({}),
    label: z.string().optional(),
  })
  .superRefine((provider, ctx) => {
    if (provider.type === 'openai' && !provider.base_url) {
      ctx.addIssue({ code: 'custom', path: ['base_url'], message: 'an openai provider needs base_url (e.g. https://openrouter.ai/api/v1)' });
    }
    if (provider.type === 'claude-login' && (provider.base_url || provider.api_key_env)) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'claude-login uses Claude Code\'s own login: no base_url or api_key_env' });
    }
  });

/** Helix sets these itself for every run; a role cannot point Claude Code elsewhere through them. */
const roleEnvName = envName.refine((name) => !/^(ANTHROPIC_|CLAUDE_CODE_|HELIX_)|^(TMPDIR|TEMP|TMP|IS_SANDBOX)$/i.test(name), {
  message: 'Helix sets ANTHROPIC_*, CLAUDE_CODE_*, HELIX_* and the temporary folder itself; choose the provider and model in `model:` instead',
});

const modelRef = z.string().regex(/^[^:\s]+:\S+$/, 'must be "provider:model"');

export const RoleSchema = z.union([
  modelRef,
  z.object({
    model: modelRef,
    /** A fixed project directory for this role's runs instead of a workspace per session. */
    cwd: z.string().min(1).optional(),
    permission_mode: z.enum(PERMISSION_MODES).optional(),
    allowed_tools: z.array(z.string().min(1)).optional(),
    /** ask: a permission prompt waits for a person (until settings.approvals.timeout_seconds); deny: refused at once. */
    approvals: z.enum(APPROVAL_POLICIES).optional(),
    append_system_prompt: z.string().optional(),
    max_turns: z.number().int().positive().optional(),
    /** The model Claude Code uses for its small, fast tasks (same provider). */
    small_fast_model: z.string().min(1).optional(),
    /**
     * Variables passed on to Claude Code and its tools, beyond the basics (PATH, HOME, locale…):
     * `NAME: value`, where `${OTHER}` takes OTHER from Helix's environment or key store.
     */
    env: z.record(roleEnvName, z.string()).optional(),
  }),
]);

export const SettingsSchema = z.object({
  // Timers hold at most 2^31 ms (~24 days).
  run_timeout_seconds: z.number().positive().max(2_000_000).default(600),
  keepalive_seconds: z.number().positive().max(3600).default(15),
  /** Retries of a failed provider call inside one run (the CLI's own default is 10, ~3 minutes). */
  max_retries: z.number().int().min(0).max(10).default(4),
  permission_mode: z.enum(PERMISSION_MODES).default('default'),
  /** Runs in flight at once (each claude process takes ~220 MiB); more wait in a queue. */
  max_concurrent_runs: z.number().int().min(1).max(64).default(4),
  /**
   * Chats served by a warm Claude Code process at once (each ~170–300 MiB); the least recently
   * used idle one is closed for a new one, and 0 runs every turn in a process of its own.
   */
  max_live_sessions: z.number().int().min(0).max(64).default(4),
  /** A warm process idle this long is closed; the chat's next turn resumes it in a new one. */
  session_idle_seconds: z.number().positive().max(2_000_000).default(600),
  /**
   * Keep one Claude Code process parked (`--await-claim`, ~165 MiB) for the next new chat of the
   * role that started the latest one: its first answer comes ~0.4 s sooner.
   */
  spare_session: z.boolean().default(false),
  /** cancel: a client that leaves ends its run. finish: the run completes and is kept for the client's retry. */
  on_disconnect: z.enum(ON_DISCONNECT).default('cancel'),
  /** Permission prompts: who answers them and how long they wait (see README, "Approvals"). */
  approvals: z
    .object({
      /** The policy of roles that do not set their own `approvals:`. */
      default: z.enum(APPROVAL_POLICIES).default('ask'),
      /** An unanswered prompt is denied after this long, and the turn goes on. */
      timeout_seconds: z.number().positive().max(86_400).default(300),
      /** A turn that waits also asks in the chat: the user's next message answers it. */
      in_chat: z.boolean().default(false),
    })
    .prefault({}),
  /** Web pages allowed to call the API from the browser (CORS), e.g. "http://localhost:3000"; none by default. */
  cors_origins: z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).default([]),
  /** The least severe records the diagnostic log (<data dir>/logs/helix.log) keeps; HELIX_LOG_LEVEL overrides it. */
  log_level: z.enum([...LOG_LEVELS, 'silent']).default('info'),
  /** Sessions deleted on their own (as the panel's Delete does), at start and then hourly; 0 keeps them. */
  retention: z
    .object({
      /** A session whose last activity is older than this many days. */
      max_age_days: z.number().min(0).max(36_500).default(0),
      /** The oldest sessions, until the sessions (with their Claude Code transcripts) take at most this many MB. */
      max_total_mb: z.number().min(0).max(100_000_000).default(0),
    })
    .prefault({}),
});

const argv = z.array(z.string().min(1)).min(1);

/**
 * A process Helix supervises (e.g. an external y-router) and/or commands it runs for a server
 * that lives elsewhere (e.g. `docker compose restart helix-api`). Commands are argument arrays.
 */
export const ServiceSchema = z
  .object({
    command: argv.optional(),
    restart_command: argv.optional(),
    stop_command: argv.optional(),
    cwd: z.string().min(1).optional(),
    health_url: z.url({ protocol: /^https?$/ }).optional(),
    autostart: z.boolean().default(true),
    restart_on_crash: z.boolean().default(true),
  })
  .refine((s) => s.command || s.restart_command, { message: 'a service needs a command (to run) or a restart_command' });

const roleName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'role names are lower-case letters, digits, - and _');

export const ConfigSchema = z.object({
  providers: z.record(z.string().min(1), ProviderSchema),
  defaults: z.record(roleName, RoleSchema),
  settings: SettingsSchema.default(SettingsSchema.parse({})),
  services: z.record(roleName, ServiceSchema).default({}),
});

export type ProviderConfig = z.infer<typeof ProviderSchema>;
export type RawConfig = z.infer<typeof ConfigSchema>;
export type Settings = z.infer<typeof SettingsSchema>;
export type ServiceConfig = z.infer<typeof ServiceSchema>;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];
export type PermissionMode = (typeof PERMISSION_MODES)[number];

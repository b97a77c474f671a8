import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, type HelixConfig } from '../../main/providers/load-config';
import { ProviderError, resolveRunTarget, roleEnv } from '../../main/providers/run-target';
import { thrown } from '../support/thrown';

const MINIMAL = `providers:
  local:
    type: anthropic
    base_url: http://127.0.0.1:8788
    api_key_env: LOCAL_KEY
    models: [claude-sonnet-4-5]
defaults:
  consultant: "local:claude-sonnet-4-5"
`;

const configError = (text: string): ConfigError => thrown(() => parseConfig(text, 'llm-providers.yaml'), ConfigError);

describe('parseConfig', () => {
  it('accepts the minimal config and resolves its role with default settings', () => {
    const config = parseConfig(MINIMAL, '/etc/helix/llm-providers.yaml');
    expect(config.roles).toEqual([
      { name: 'consultant', modelId: 'helix-consultant', provider: 'local', model: 'claude-sonnet-4-5', cwd: undefined, permissionMode: 'default', allowedTools: [], approvals: 'ask', appendSystemPrompt: undefined, env: {}, options: { model: 'local:claude-sonnet-4-5' } },
    ]);
    expect(config.settings).toEqual({ run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, max_live_sessions: 4, session_idle_seconds: 600, spare_session: false, on_disconnect: 'cancel', approvals: { default: 'ask', timeout_seconds: 300, in_chat: false }, cors_origins: [], log_level: 'info', retention: { max_age_days: 0, max_total_mb: 0 } });
  });

  it("a role's approvals: policy overrides settings.approvals.default; anything but ask or deny is refused where it is written", () => {
    const config = parseConfig(`${MINIMAL}  unattended: { model: "local:claude-sonnet-4-5", approvals: deny }\nsettings:\n  approvals: { default: deny, timeout_seconds: 60 }\n`, 'llm-providers.yaml');
    expect(config.roles.map((r) => [r.name, r.approvals])).toEqual([
      ['consultant', 'deny'],
      ['unattended', 'deny'],
    ]);
    expect(config.settings.approvals).toEqual({ default: 'deny', timeout_seconds: 60, in_chat: false });
    const asked = parseConfig(`${MINIMAL}  watched: { model: "local:claude-sonnet-4-5", approvals: ask }\nsettings:\n  approvals: { default: deny }\n`, 'llm-providers.yaml');
    expect(asked.roles.map((r) => r.approvals)).toEqual(['deny', 'ask']);
    const error = configError(`${MINIMAL}  odd: { model: "local:claude-sonnet-4-5", approvals: maybe }\n`);
    expect(error.message).toMatch(/defaults\.odd.*approvals/);
    expect(error.line).toBe(9);
  });

  it('accepts the shipped config', () => {
    const config = loadConfig(new URL('../../config/llm-providers.yaml', import.meta.url).pathname);
    expect(config.roles.map((r) => r.modelId)).toEqual(['helix-consultant', 'helix-developer']);
    expect(config.roles[1]).toMatchObject({ model: 'sonnet', smallFastModel: 'haiku', permissionMode: 'acceptEdits' });
    expect(config.roles[0]).toMatchObject({ provider: 'anthropic', model: 'sonnet' });
    expect(Object.values(config.providers).map((p) => p.type)).toEqual(['anthropic', 'claude-login', 'openai', 'openai']);
  });

  it('reads role objects with a project directory relative to the config file', () => {
    const config = parseConfig(
      `${MINIMAL.replace('[claude-sonnet-4-5]', '[claude-sonnet-4-5, claude-opus-4-1]')}  developer:\n    model: "local:claude-opus-4-1"\n    cwd: ../project\n    permission_mode: acceptEdits\n    allowed_tools: [Bash]\n    max_turns: 12\n`,
      '/etc/helix/llm-providers.yaml',
    );
    expect(config.roles[1]).toMatchObject({ modelId: 'helix-developer', model: 'claude-opus-4-1', cwd: '/etc/project', permissionMode: 'acceptEdits', allowedTools: ['Bash'], maxTurns: 12 });
    const home = parseConfig(`${MINIMAL}  developer:\n    model: "local:claude-sonnet-4-5"\n    cwd: ~/work\n`, '/etc/helix/llm-providers.yaml');
    expect(home.roles[1]?.cwd).toBe(path.join(os.homedir(), 'work'));
  });

  it('reads CORS origins as origins, and refuses what is not one with its line', () => {
    const config = parseConfig(`${MINIMAL}settings:\n  cors_origins: ["http://localhost:3000/", "https://chat.example.com"]\n`, '/etc/helix/llm-providers.yaml');
    expect(config.settings.cors_origins).toEqual(['http://localhost:3000', 'https://chat.example.com']);
    const error = configError(`${MINIMAL}settings:\n  cors_origins: ["*"]\n`);
    expect(error.message).toContain('settings.cors_origins.0');
  });

  it('reports broken YAML with its line and column', () => {
    const error = configError('providers:\n  local: [unclosed\ndefaults: {}\n');
    expect(error.line).toBeGreaterThan(1);
    expect(error.message).toMatch(/^llm-providers\.yaml:\d+:\d+: invalid YAML/);
  });

  it('points at the offending key for schema errors', () => {
    const error = configError(MINIMAL.replace('type: anthropic', 'type: carrier-pigeon'));
    expect(error.line).toBe(3);
    expect(error.problem).toContain('providers.local.type');
  });

  it('points at a role whose provider does not exist', () => {
    const error = configError(MINIMAL.replace('"local:claude', '"nowhere:claude'));
    expect(error.line).toBe(8);
    expect(error.problem).toContain('unknown provider "nowhere" (known: local)');
  });

  it('refuses a model the provider does not list, naming what it allows; aliases resolve', () => {
    const error = configError(MINIMAL.replace('"local:claude-sonnet-4-5"', '"local:gpt-4o"'));
    expect(error.line).toBe(8);
    expect(error.problem).toContain('uses model "gpt-4o", which provider "local" does not list (allowed: claude-sonnet-4-5)');
    const aliased = parseConfig(MINIMAL.replace('    models: [claude-sonnet-4-5]', '    models: [claude-sonnet-4-5]\n    aliases: { best: claude-sonnet-4-5 }').replace('"local:claude-sonnet-4-5"', '"local:best"'), 'x.yaml');
    expect(aliased.roles[0]?.model).toBe('claude-sonnet-4-5');
  });

  it('checks what each provider type needs', () => {
    expect(configError(MINIMAL.replace('type: anthropic\n    base_url: http://127.0.0.1:8788', 'type: openai')).problem).toContain('needs base_url');
    expect(configError(MINIMAL.replace('type: anthropic', 'type: claude-login')).problem).toContain('no base_url or api_key_env');
    expect(configError(MINIMAL.replace('type: anthropic', 'type: carrier-pigeon')).problem).toMatch(/anthropic.*openai.*claude-login/);
  });

  it('rejects a role reference without a provider, and role names that are not ids', () => {
    expect(configError(MINIMAL.replace('"local:claude-sonnet-4-5"', '"claude-sonnet-4-5"')).problem).toContain('provider:model');
    expect(configError(MINIMAL.replace('consultant:', 'Big Boss:')).problem).toContain('role names');
  });
});

describe('resolveRunTarget', () => {
  const config = parseConfig(MINIMAL, 'cfg.yaml');
  const role = config.roles[0]!;

  it('sends an anthropic provider through the proxy, with its model', () => {
    expect(resolveRunTarget(role, config, (name) => ({ LOCAL_KEY: 'sk-1' })[name])).toEqual({
      provider: 'local',
      proxied: true,
      model: 'claude-sonnet-4-5',
      smallFastModel: undefined,
      label: 'local:claude-sonnet-4-5',
    });
  });

  it('says which variable to set when the key is missing', () => {
    expect(() => resolveRunTarget(role, config, () => undefined)).toThrow(ProviderError);
    expect(() => resolveRunTarget(role, config, () => undefined)).toThrow(/set the environment variable LOCAL_KEY/);
  });
});

describe('a role\'s env', () => {
  const withEnv = (env: string): HelixConfig => parseConfig(MINIMAL.replace('consultant: "local:claude-sonnet-4-5"', `consultant:\n    model: "local:claude-sonnet-4-5"\n    env: ${env}`), 'cfg.yaml');

  it('fills ${NAME} from Helix\'s environment or key store, and says which name is missing', () => {
    const role = withEnv('{ GH_TOKEN: "${GITHUB_TOKEN}", NODE_ENV: development, MIXED: "a-${X}-b" }').roles[0]!;
    expect(roleEnv(role, (name) => ({ GITHUB_TOKEN: 'gh-1', X: 'x' })[name])).toEqual({ GH_TOKEN: 'gh-1', NODE_ENV: 'development', MIXED: 'a-x-b' });
    expect(() => roleEnv(role, () => undefined)).toThrow(/passes \$\{GITHUB_TOKEN\} to Claude Code in env.GH_TOKEN, but GITHUB_TOKEN is not set/);
  });

  it('refuses the names Helix sets itself', () => {
    for (const name of ['ANTHROPIC_BASE_URL', 'anthropic_api_key', 'HELIX_API_KEY', 'CLAUDE_CODE_MAX_RETRIES', 'TMPDIR']) {
      expect(configError(MINIMAL.replace('consultant: "local:claude-sonnet-4-5"', `consultant:\n    model: "local:claude-sonnet-4-5"\n    env: { ${name}: x }`)).problem).toMatch(/Helix sets ANTHROPIC_\*/);
    }
  });
});

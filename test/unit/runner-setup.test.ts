import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findClaudeBin } from '../../main/runner/claude-bin';
import { claudeArgs, claudeEnv, userMessageLine, type CommandOptions } from '../../main/runner/claude-command';
import { checkBearer } from '../../main/platform/auth';

const options: CommandOptions = {
  model: 'claude-sonnet-4-5',
  permissionMode: 'default',
  allowedTools: [],
  maxRetries: 4,
  tmpDir: '/tmp/helix-x',
  providerEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', ANTHROPIC_API_KEY: 'sk-run-token' },
  roleEnv: {},
};

describe('claude command line', () => {
  it('streams partial messages as stream-json, with the model and mode as separate arguments', () => {
    expect(claudeArgs(options)).toEqual([
      '-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--include-partial-messages',
      '--permission-prompt-tool', 'stdio', '--model', 'claude-sonnet-4-5', '--permission-mode', 'default',
    ]);
    expect(claudeArgs({ ...options, allowedTools: ['Bash', 'Read'], resume: { sessionId: 'abc' } })).toEqual(
      expect.arrayContaining(['--allowedTools', 'Bash', 'Read', '--resume', 'abc']),
    );
    // A follow-up continues the session in place; only a branch forks, at the message it follows.
    expect(claudeArgs({ ...options, resume: { sessionId: 'abc' } })).not.toContain('--fork-session');
    expect(claudeArgs({ ...options, resume: { sessionId: 'abc', forkAt: 'm-1' } }).slice(-5)).toEqual(['--resume', 'abc', '--resume-session-at', 'm-1', '--fork-session']);
  });

  it('sends the turn as one stream-json user message, images as base64 blocks', () => {
    const line = userMessageLine('What is this?', [{ mediaType: 'image/png', data: 'iVBORw0=' }]);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      type: 'user',
      message: {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0=' } },
        ],
      },
    });
  });

  it('passes on only allowlisted variables: no provider key, no HELIX_*, nothing unrelated', () => {
    const parent = {
      PATH: '/bin', HOME: '/h', LANG: 'C.UTF-8', LC_ALL: 'C', https_proxy: 'http://proxy:3128', Path: 'C:\\bin',
      ANTHROPIC_API_KEY: 'users-own', ANTHROPIC_MODEL: 'x', OPENROUTER_API_KEY: 'sk-or', HELIX_API_KEY: 'secret', CLAUDECODE: '1',
      AWS_SECRET_ACCESS_KEY: 'aws', GITHUB_TOKEN: 'gh', TMPDIR: '/tmp',
    };
    const env = claudeEnv(parent, options);
    expect(env).toEqual({
      PATH: '/bin', HOME: '/h', LANG: 'C.UTF-8', LC_ALL: 'C', https_proxy: 'http://proxy:3128', Path: 'C:\\bin',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', ANTHROPIC_API_KEY: 'sk-run-token',
      TMPDIR: '/tmp/helix-x', TEMP: '/tmp/helix-x', TMP: '/tmp/helix-x', NO_PROXY: '127.0.0.1,localhost,::1', no_proxy: '127.0.0.1,localhost,::1',
      CLAUDE_CODE_MAX_RETRIES: '4', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS: '1',
    });
    expect(claudeEnv({}, { ...options, permissionMode: 'bypassPermissions' }).IS_SANDBOX).toBe('1');
  });

  it('keeps a network proxy of the environment away from Helix\'s own proxy on loopback', () => {
    const env = claudeEnv({ HTTPS_PROXY: 'http://corp:3128', NO_PROXY: '.corp.example' }, options);
    expect(env).toMatchObject({ HTTPS_PROXY: 'http://corp:3128', NO_PROXY: '.corp.example,127.0.0.1,localhost,::1', no_proxy: '127.0.0.1,localhost,::1' });
  });

  it("adds the role's own env entries, which cannot redirect the run", () => {
    const env = claudeEnv({ GITHUB_TOKEN: 'gh' }, { ...options, roleEnv: { GITHUB_TOKEN: 'gh-for-role', NODE_ENV: 'test', ANTHROPIC_API_KEY: 'sneaky' } });
    expect(env).toMatchObject({ GITHUB_TOKEN: 'gh-for-role', NODE_ENV: 'test', ANTHROPIC_API_KEY: 'sk-run-token' });
  });
});

describe('findClaudeBin', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-bin-'));
  const fakeClaude = path.join(dir, 'bin', 'claude');
  mkdirSync(path.dirname(fakeClaude));
  writeFileSync(fakeClaude, '#!/bin/sh\n');
  chmodSync(fakeClaude, 0o755);

  it('uses HELIX_CLAUDE_BIN when set, and reports it missing rather than guessing', () => {
    expect(findClaudeBin({ HELIX_CLAUDE_BIN: fakeClaude }).path).toBe(fakeClaude);
    expect(findClaudeBin({ HELIX_CLAUDE_BIN: path.join(dir, 'nope') })).toEqual({ path: null, searched: [`HELIX_CLAUDE_BIN=${path.join(dir, 'nope')} (no such file)`] });
  });

  it('prefers claude on PATH, skipping node_modules/.bin placeholders', () => {
    expect(findClaudeBin({ PATH: path.dirname(fakeClaude) }).path).toBe(fakeClaude);
    const placeholderDir = path.join(dir, 'node_modules', '.bin');
    mkdirSync(placeholderDir, { recursive: true });
    writeFileSync(path.join(placeholderDir, 'claude'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    expect(findClaudeBin({ PATH: placeholderDir }).path).not.toBe(path.join(placeholderDir, 'claude'));
  });

  it('falls back to the native binary of the installed package', () => {
    const found = findClaudeBin({ PATH: '' });
    expect(found.path).toMatch(/@anthropic-ai\/claude-code-linux-x64\/claude$/);
  });
});

describe('checkBearer', () => {
  it('accepts only the exact key as a Bearer token', () => {
    expect(checkBearer('Bearer sk-1', 'sk-1')).toBe(true);
    expect(checkBearer('bearer sk-1', 'sk-1')).toBe(true);
    expect(checkBearer('Bearer sk-12', 'sk-1')).toBe(false);
    expect(checkBearer('Bearer sk-', 'sk-1')).toBe(false);
    expect(checkBearer('sk-1', 'sk-1')).toBe(false);
    expect(checkBearer(undefined, 'sk-1')).toBe(false);
    expect(checkBearer('Bearer ', '')).toBe(false);
  });
});

/**
 * The first-run check of Claude Code with the real CLI from node_modules: its version, whether
 * it has a login of its own (never the credentials), a missing binary and one that hangs.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findClaudeBin } from '../../main/runner/claude-bin';
import { checkClaude } from '../../main/runner/claude-setup';

const home = (): string => mkdtempSync(path.join(os.tmpdir(), 'helix-setup-home-'));
const OAUTH_TOKEN = 'sk-ant-oat01-never-shown-0123456789';
// The environment of a machine where the real CLI is found the way Helix finds it (the package's binary).
const env = (HOME: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: '/usr/bin:/bin', HOME, ...extra });

describe('checkClaude', () => {
  it('reports the real CLI\'s path and version, and no login in an empty HOME (a provider key in the environment does not count)', async () => {
    const e = env(home(), { ANTHROPIC_API_KEY: 'sk-ant-api-key-of-the-app' });
    const bin = findClaudeBin(e);
    expect(bin.path).toMatch(/claude-code-linux-x64\/claude$|claude$/);
    const result = await checkClaude(bin, e);
    expect(result.version).toMatch(/^\d+\.\d+\.\d+ \(Claude Code\)$/);
    expect(result).toMatchObject({ path: bin.path, error: null, loggedIn: false, loginMethod: null });
  }, 30_000);

  it('says it is logged in, and how, from Claude Code\'s stored login — and nothing of the credentials', async () => {
    const dir = home();
    mkdirSync(path.join(dir, '.claude'));
    const expiresAt = Date.now() + 86_400_000;
    writeFileSync(path.join(dir, '.claude', '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: OAUTH_TOKEN, refreshToken: `${OAUTH_TOKEN}-refresh`, expiresAt, scopes: ['user:inference'], subscriptionType: 'max' } }));
    const result = await checkClaude(findClaudeBin(env(dir)), env(dir));
    expect(result.loggedIn).toBe(true);
    expect(result.loginMethod).toBe('claude.ai');
    expect(Object.keys(result).sort()).toEqual(['error', 'loggedIn', 'loginMethod', 'path', 'searched', 'version']);
    expect(JSON.stringify(result)).not.toContain('oat01');
    expect(JSON.stringify(result)).not.toContain('max');
  }, 30_000);

  it('says where it looked when there is no claude', async () => {
    const e = env(home(), { HELIX_CLAUDE_BIN: '/nonexistent/claude' });
    const result = await checkClaude(findClaudeBin(e), e);
    expect(result).toMatchObject({ path: null, version: null, loggedIn: false });
    expect(result.error).toBe('Claude Code was not found (looked at: HELIX_CLAUDE_BIN=/nonexistent/claude (no such file)).');
  });

  it('gives up on a claude that does not answer, within its time limit, and one that fails says how', async () => {
    const dir = home();
    const hang = path.join(dir, 'claude-hangs');
    writeFileSync(hang, '#!/bin/sh\nsleep 30\n');
    chmodSync(hang, 0o755);
    const started = Date.now();
    const slow = await checkClaude({ path: hang, searched: [] }, env(dir), 1000);
    expect(slow.error).toBe('"claude --version" did not answer within 1 s.');
    expect(slow.version).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);

    const broken = path.join(dir, 'claude-broken');
    writeFileSync(broken, '#!/bin/sh\necho "error while loading shared libraries" >&2\nexit 127\n');
    chmodSync(broken, 0o755);
    expect((await checkClaude({ path: broken, searched: [] }, env(dir))).error).toBe('"claude --version" failed (exit code 127): error while loading shared libraries');
  }, 30_000);
});

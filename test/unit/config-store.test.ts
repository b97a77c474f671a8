import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../main/providers/config-store';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'config');
const golden = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

function storeOnCopy(): ConfigStore {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-cfg-')), 'llm-providers.yaml');
  copyFileSync(path.join(fixtures, 'commented.yaml'), file);
  return new ConfigStore(file);
}

describe('ConfigStore edits', () => {
  it('switching roles changes only their values: comments, order, quoting and spacing stay', () => {
    const store = storeOnCopy();
    store.setRoleModel('consultant', 'openrouter:openai/gpt-4o');
    store.setRoleModel('developer', 'openrouter:qwen/qwen3-coder');
    expect(readFileSync(store.file, 'utf8')).toBe(golden('commented.roles-switched.yaml'));
    expect(store.current.roles.map((r) => `${r.name}=${r.provider}:${r.model}`)).toEqual(['consultant=openrouter:openai/gpt-4o', 'developer=openrouter:qwen/qwen3-coder']);
    expect(store.current.roles[1]?.permissionMode).toBe('acceptEdits');
  });

  it('adding a provider keeps every comment and the order of what was there', () => {
    const store = storeOnCopy();
    store.setProvider('ollama', { type: 'openai', base_url: 'http://127.0.0.1:11434/v1', models: ['llama3.1:8b'] });
    expect(readFileSync(store.file, 'utf8')).toBe(golden('commented.provider-added.yaml'));
    expect(Object.keys(store.current.providers)).toEqual(['anthropic', 'openrouter', 'ollama']);
  });

  it('replacing a provider rewrites its block only, and what follows it stays', () => {
    const store = storeOnCopy();
    store.setProvider('anthropic', { type: 'anthropic', api_key_env: 'OTHER_KEY', models: ['claude-sonnet-4-5', 'claude-opus-4-1'] });
    const text = readFileSync(store.file, 'utf8');
    expect(text).toContain('  anthropic:\n    type: anthropic\n    api_key_env: OTHER_KEY\n');
    expect(text).toContain('\n\n  openrouter:   # via the proxy\n');
    expect(Object.keys(store.current.providers)).toEqual(['anthropic', 'openrouter']);
  });

  it('changes a setting in place, or adds it under settings, and refuses an invalid value', () => {
    const store = storeOnCopy();
    const before = readFileSync(store.file, 'utf8');
    store.setSetting('max_retries', '7');
    expect(readFileSync(store.file, 'utf8')).toBe(before.replace('max_retries: 2', 'max_retries: 7'));
    store.setSetting('on_disconnect', 'finish');
    expect(readFileSync(store.file, 'utf8')).toContain('  max_retries: 7\n  on_disconnect: finish\n');
    expect(store.current.settings).toMatchObject({ max_retries: 7, on_disconnect: 'finish' });
    expect(() => store.setSetting('on_disconnect', 'explode')).toThrow(/on_disconnect/);
  });

  it('refuses an edit that would make the config invalid, writing nothing', () => {
    const store = storeOnCopy();
    const before = readFileSync(store.file, 'utf8');
    expect(() => store.setRoleModel('consultant', 'nowhere:model')).toThrow(/unknown provider "nowhere"/);
    expect(() => store.setRoleModel('consultant', 'anthropic:gpt-4o')).toThrow(/does not list/);
    expect(readFileSync(store.file, 'utf8')).toBe(before);
    expect(store.current.roles[0]?.model).toBe('claude-sonnet-4-5');
  });

  it('reports a broken hand edit and keeps the last good config; a fix clears the error', () => {
    const store = storeOnCopy();
    const changes: Array<string | null> = [];
    store.onChange(({ error }) => changes.push(error ? `${error.line}:${error.column}` : null));
    const good = readFileSync(store.file, 'utf8');
    writeFileSync(store.file, good.replace('  consultant: "anthropic', '  consultant: "ghost'));
    store.reload();
    expect(store.error?.problem).toContain('unknown provider "ghost"');
    expect(store.current.roles[0]?.provider).toBe('anthropic');
    writeFileSync(store.file, good);
    store.reload();
    expect(store.error).toBeNull();
    expect(changes).toEqual(['19:15', null]);
  });
});

describe('ConfigStore role options, provider removal and undo', () => {
  it('sets every option of a role in place: comments and the other keys stay, unset ones go', () => {
    const store = storeOnCopy();
    store.setRole('developer', {
      model: 'openrouter:qwen/qwen3-coder',
      small_fast_model: 'openai/gpt-4o',
      cwd: '/srv/project',
      allowed_tools: ['Bash(npm test:*)', 'Read'],
      append_system_prompt: 'Answer briefly.',
      max_turns: 30,
      env: { GH_TOKEN: '${GITHUB_TOKEN}' },
    });
    expect(readFileSync(store.file, 'utf8')).toBe(golden('commented.role-options.yaml'));
    const developer = store.current.roles.find((r) => r.name === 'developer')!;
    expect(developer).toMatchObject({ provider: 'openrouter', model: 'qwen/qwen3-coder', permissionMode: 'default', maxTurns: 30, allowedTools: ['Bash(npm test:*)', 'Read'], env: { GH_TOKEN: '${GITHUB_TOKEN}' } });
  });

  it('turns a one-line role into a block only when it gets options, keeping its comment', () => {
    const store = storeOnCopy();
    store.setRole('consultant', { model: 'anthropic:claude-opus-4-1', permission_mode: 'plan', max_turns: 5 });
    const text = readFileSync(store.file, 'utf8');
    expect(text).toContain('  consultant: # the main one\n    model: anthropic:claude-opus-4-1\n    permission_mode: plan\n    max_turns: 5\n  developer:\n');
    expect(store.current.roles[0]).toMatchObject({ model: 'claude-opus-4-1', permissionMode: 'plan', maxTurns: 5 });
  });

  it('refuses invalid role options, writing nothing', () => {
    const store = storeOnCopy();
    const before = readFileSync(store.file, 'utf8');
    expect(() => store.setRole('developer', { model: 'anthropic:claude-opus-4-1', permission_mode: 'yolo' })).toThrow(/permission_mode/);
    expect(() => store.setRole('developer', { model: 'anthropic:claude-opus-4-1', max_turns: -2 })).toThrow(/max_turns/);
    expect(() => store.setRole('developer', { model: 'anthropic:claude-opus-4-1', env: { ANTHROPIC_BASE_URL: 'http://evil' } })).toThrow(/Helix sets ANTHROPIC_/);
    expect(readFileSync(store.file, 'utf8')).toBe(before);
  });

  it('removes a provider block; refuses while a role runs on it', () => {
    const store = storeOnCopy();
    const before = readFileSync(store.file, 'utf8');
    expect(() => store.removeProvider('anthropic')).toThrow(/used by helix-consultant, helix-developer/);
    expect(() => store.removeProvider('nowhere')).toThrow(/no provider "nowhere"/);
    expect(readFileSync(store.file, 'utf8')).toBe(before);
    store.setProvider('ollama', { type: 'openai', base_url: 'http://127.0.0.1:11434/v1', models: ['llama3.1:8b'] });
    store.removeProvider('ollama');
    expect(readFileSync(store.file, 'utf8')).toBe(before);
    store.removeProvider('openrouter');
    expect(readFileSync(store.file, 'utf8')).toBe(golden('commented.provider-removed.yaml'));
  });

  it('undoes the latest edit once, byte for byte', () => {
    const store = storeOnCopy();
    const before = readFileSync(store.file, 'utf8');
    expect(store.undoable).toBeNull();
    store.setProvider('ollama', { type: 'openai', base_url: 'http://127.0.0.1:11434/v1', models: ['llama3.1:8b'] });
    store.setRoleModel('consultant', 'ollama:llama3.1:8b');
    const afterAdd = golden('commented.provider-added.yaml');
    expect(store.undoable).toBe('helix-consultant set to ollama:llama3.1:8b');
    expect(store.undo().undone).toBe('helix-consultant set to ollama:llama3.1:8b');
    expect(readFileSync(store.file, 'utf8')).toBe(afterAdd);
    expect(store.current.roles[0]?.provider).toBe('anthropic');
    expect(store.undoable).toBeNull();
    expect(() => store.undo()).toThrow(/no change from the app to undo/);
    expect(readFileSync(store.file, 'utf8')).not.toBe(before);
  });

  it('refuses to undo over a hand edit made since, keeping the hand edit', () => {
    const store = storeOnCopy();
    store.setSetting('max_retries', 5);
    const handEdited = readFileSync(store.file, 'utf8').replace('max_retries: 5', 'max_retries: 6');
    writeFileSync(store.file, handEdited);
    expect(store.undoable).toBeNull();
    expect(() => store.undo()).toThrow(/file changed since/);
    expect(readFileSync(store.file, 'utf8')).toBe(handEdited);
  });
});

describe('ConfigStore: allow always for a role', () => {
  it('adds the rule to allowed_tools (a bare role becomes a map), keeps every comment, and adds a rule once', () => {
    const store = storeOnCopy();
    store.addRoleAllowedTool('developer', 'Bash(npm test)');
    store.addRoleAllowedTool('developer', 'Write');
    store.addRoleAllowedTool('developer', 'Write');
    store.addRoleAllowedTool('consultant', 'Bash(ls -la)');
    expect(readFileSync(store.file, 'utf8')).toBe(golden('commented.rules-added.yaml'));
    expect(store.current.roles.map((r) => [r.name, r.allowedTools])).toEqual([
      ['consultant', ['Bash(ls -la)']],
      ['developer', ['Bash(npm test)', 'Write']],
    ]);
  });

  it('an unknown role is refused and the file is left as it was', () => {
    const store = storeOnCopy();
    expect(() => store.addRoleAllowedTool('nobody', 'Write')).toThrow(/no role "nobody"/);
    expect(readFileSync(store.file, 'utf8')).toBe(golden('commented.yaml'));
  });
});

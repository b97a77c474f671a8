/** `npm run serve`'s entry as built (out/main/serve.js), run on plain Node as a user runs it. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../main/platform/process-tree';
import { SessionStore } from '../../main/sessions/session-store';
import { FakeAnthropic } from '../support/fake-anthropic';
import { ROOT, serve, serveReady, serveScratch } from '../support/serve-process';

const { root, config: CONFIG } = serveScratch('helix-serve-');

const models = async (url: string, key: string): Promise<number> => (await fetch(`${url}/models`, { headers: { authorization: `Bearer ${key}` } })).status;

describe('serve', () => {
  it('prints the API base URL when ready, serves it, and stops cleanly on SIGTERM', async () => {
    const { url, proc, output } = await serveReady(['--port', '0', '--config', CONFIG, '--data-dir', path.join(root, 'a')], { HELIX_API_KEY: 'sk-env-key' });
    expect(await models(url, 'sk-env-key')).toBe(200);
    expect(await models(url, 'sk-other')).toBe(401);
    expect(output()).toContain('helix-consultant (local:m)');
    expect(output()).not.toContain('sk-env-key');
    proc.kill('SIGTERM');
    const ended = await proc;
    expect(ended.exitCode).toBe(0);
    expect(ended.stderr).not.toContain('can reach Helix'); // loopback: no warning
  });

  it('bound to another address, warns that others can reach it and still requires the key', async () => {
    // 127.0.0.2 is not one of the loopback names Helix binds to by default, yet stays on this machine.
    const { url, proc } = await serveReady(['--host', '127.0.0.2', '--port', '0', '--config', CONFIG, '--data-dir', path.join(root, 'host')], { HELIX_API_KEY: 'sk-env-key' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/v1$/);
    expect(await models(url, 'sk-env-key')).toBe(200);
    expect(await models(url, 'sk-other')).toBe(401);
    expect((await fetch(`${url}/models`)).status).toBe(401);
    proc.kill('SIGTERM');
    expect((await proc).stderr).toContain('Listening on 127.0.0.2: other machines (or containers) can reach Helix; every request still needs the API key, so keep it secret.');
  });

  it('generates an API key on first run, keeps it owner-only, and reuses it after a restart', async () => {
    const dataDir = path.join(root, 'b');
    const first = await serveReady(['--port', '0', '--config', CONFIG, '--data-dir', dataDir]);
    const keyFile = path.join(dataDir, 'api-key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^sk-helix-/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.output()).not.toContain(key);
    expect(await models(first.url, key)).toBe(200);
    first.proc.kill('SIGTERM');
    await first.proc;
    const second = await serveReady(['--port', '0', '--config', CONFIG, '--data-dir', dataDir]);
    expect(await models(second.url, key)).toBe(200);
    second.proc.kill('SIGTERM');
    await second.proc;
  });

  it('without --config, starts from a copy of the shipped config in the data dir', async () => {
    const dataDir = path.join(root, 'c');
    const { url, proc } = await serveReady(['--port', '0', '--data-dir', dataDir], { HELIX_API_KEY: 'k' });
    expect(readFileSync(path.join(dataDir, 'llm-providers.yaml'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'config/llm-providers.yaml'), 'utf8'));
    const body = (await (await fetch(`${url}/models`, { headers: { authorization: 'Bearer k' } })).json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toEqual(['helix-consultant', 'helix-developer']);
    proc.kill('SIGTERM');
    await proc;
  });

  it('refuses a broken config with its line and column, and exits', async () => {
    const broken = path.join(root, 'broken.yaml');
    writeFileSync(broken, 'providers:\n  local:\n    type: anthropic\ndefaults:\n  consultant: "ghost:m"\n');
    const result = await serve(['--port', '0', '--config', broken, '--data-dir', path.join(root, 'd')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${broken}:5:`);
    expect(result.stderr).toContain('unknown provider "ghost"');
  });

  it('says when the port is taken', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = await serve(['--port', String(port), '--config', CONFIG, '--data-dir', path.join(root, 'e')], { HELIX_API_KEY: 'k' });
    blocker.close();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });

  it('after a crash mid-run, the restarted app lists the session, marks the run interrupted and ends its claude', async () => {
    const fake = await new FakeAnthropic(() => ({ kind: 'hang' })).start();
    const config = path.join(root, 'crash.yaml');
    writeFileSync(config, `providers:\n  local:\n    type: anthropic\n    base_url: ${fake.url}\n    api_key_env: LOCAL_KEY\ndefaults:\n  consultant: "local:m"\n`);
    const dataDir = path.join(root, 'crash');
    const env = { HELIX_API_KEY: 'k', LOCAL_KEY: 'x', HOME: path.join(root, 'crash-home') };
    const { url, proc } = await serveReady(['--port', '0', '--config', config, '--data-dir', dataDir], env);
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', 'x-helix-chat-id': 'crashy' },
      body: JSON.stringify({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content: 'hang' }] }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (fake.requests.length === 0) await Promise.race([reader.read(), sleep(50)]);
    proc.kill('SIGKILL');
    await proc;

    const [sessionId] = readdirSync(path.join(dataDir, 'sessions')).filter((f) => /^[0-9a-f-]{36}$/.test(f));
    const recorded = JSON.parse(readFileSync(path.join(dataDir, 'sessions', sessionId!, 'session.json'), 'utf8')) as { turns: Array<{ status: string; pid: number }> };
    const orphan = recorded.turns[0]!.pid;
    expect(recorded.turns[0]!.status).toBe('running');
    expect(isAlive(orphan)).toBe(true); // the app died, its claude did not

    const restarted = await serveReady(['--port', '0', '--config', config, '--data-dir', dataDir], env);
    await sleep(200);
    expect(isAlive(orphan)).toBe(false);
    const after = new SessionStore(dataDir);
    after.load();
    expect(after.findByChatId('crashy')?.turns[0]?.status).toBe('interrupted');
    restarted.proc.kill('SIGTERM');
    await restarted.proc;
    await fake.close();
  });

  it('says when the data dir cannot be used', async () => {
    const result = await serve(['--port', '0', '--config', CONFIG, '--data-dir', '/dev/null/helix'], { HELIX_API_KEY: 'k' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('The data dir /dev/null/helix cannot be used (ENOTDIR');
    expect(result.stderr).toContain('--data-dir');
  });

  it('explains its options, and refuses unknown ones', async () => {
    const help = await serve(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--data-dir');
    const bad = await serve(['--prot', '1']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--prot'");
  });
});

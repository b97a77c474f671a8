/**
 * The API port already taken, as the desktop app starts the core: the app comes up with the API
 * server failed and the reason shown, and starts it from the panel once the port is free.
 * (`serve` exits with the same reason instead; see serve-cli.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startHelixCore } from '../../main/app/helix-core';

it('starts with the API server failed and saying why, and starts it once the port is free', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'helix-port-'));
  const configPath = path.join(root, 'llm-providers.yaml');
  writeFileSync(configPath, 'providers:\n  a:\n    type: anthropic\n    base_url: http://127.0.0.1:9\ndefaults:\n  consultant: "a:m"\n');
  const blocker = http.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const core = await startHelixCore({ dataDir: path.join(root, 'data'), configPath, host: '127.0.0.1', port, controlPort: 0, env: { HELIX_API_KEY: 'k' }, keepGoingIfPortTaken: true });
  try {
    const api = async () => (await core.control.handlers['state:get']()).components.find((c) => c.name === 'api');
    expect(await api()).toMatchObject({ state: 'failed', lastError: `Port ${port} on 127.0.0.1 is already in use (by another program, or another copy of Helix)` });
    expect((await core.control.handlers['component:start']('api')).state).toBe('failed'); // still taken

    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(await core.control.handlers['component:start']('api')).toMatchObject({ state: 'running', url: `http://127.0.0.1:${port}`, lastError: null });
    const models = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: 'Bearer k' } });
    expect(models.status).toBe(200);
  } finally {
    await core.close();
    blocker.close();
    rmSync(root, { recursive: true, force: true });
  }
});

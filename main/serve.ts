/**
 * `helix serve` (and `npm run serve`): the core without a window, for a server or a machine
 * without a display. Prints the API base URL once listening; stops cleanly (runs cancelled, data
 * dir released) on SIGINT/SIGTERM. Run directly as out/main/serve.js, or by the bin (bin/helix.mjs).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from './platform/data-dir';
import { DataDirLockedError } from './platform/data-dir-lock';
import { startHelixCore, type HelixCore } from './app/helix-core';
import { logUncaught } from './platform/uncaught';
import { ConfigError } from './providers/load-config';

const USAGE = `Usage: helix serve [options]   (from a checkout: npm run serve -- [options])

  --port <n>         port to listen on (0 = any free port; default 8765); the control panel uses the next one
  --control-port <n> the control panel's port (default: the API port + 1)
  --host <address>   address to bind (default 127.0.0.1)
  --config <file>    llm-providers.yaml (default: the copy in the data dir)
  --data-dir <dir>   sessions, workspaces and the generated API key
  --help             show this text

Environment: HELIX_API_KEY (the key clients send), HELIX_CLAUDE_BIN (the claude executable).`;

/** Runs the command with its arguments (without the command's own name). */
export async function serveCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8765' },
        host: { type: 'string', default: '127.0.0.1' },
        'control-port': { type: 'string' },
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    exit(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) exit(`--port must be a number from 0 to 65535, got "${values.port}".`);

  // Listening for TERM before anything starts: a stop asked for at any point, even the moment the
  // ready line is out or while starting, closes the core (runs cancelled, data dir released).
  let core: HelixCore | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (core) void core.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    core = await startHelixCore({
      dataDir: values['data-dir'] ?? defaultDataDir(),
      configPath: values.config,
      host: values.host,
      port,
      controlPort: values['control-port'] === undefined ? undefined : Number(values['control-port']),
    });
  } catch (error) {
    if (error instanceof ConfigError) exit(`Invalid config: ${error.message}`);
    if (error instanceof DataDirLockedError) exit(`${error.message}\nTo run a second Helix beside it, give it a data dir of its own: --data-dir <dir>.`);
    const code = (error as NodeJS.ErrnoException).code;
    const dataDir = values['data-dir'] ?? defaultDataDir();
    if (['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EEXIST'].includes(code ?? '') && (error as { path?: string }).path?.startsWith(dataDir)) {
      exit(`The data dir ${dataDir} cannot be used (${(error as Error).message}). Choose a writable folder with --data-dir.`);
    }
    const taken = (error as { port?: number }).port ?? port;
    if (code === 'EADDRINUSE') exit(`Port ${taken} on ${values.host} is already in use; choose another with --port or --control-port (0 = any free port).`);
    exit(`Cannot start: ${(error as Error).message}`);
  }
  if (stopping) {
    await core.close();
    process.exit(0);
  }

  // Recorded in the diagnostic log; a stray rejection leaves the server serving, an uncaught throw ends it as Node would.
  logUncaught(core.log.child({ component: 'app' }), process, () => process.exit(1));

  if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
    console.warn(`Listening on ${values.host}: other machines (or containers) can reach Helix; every request still needs the API key, so keep it secret.`);
  }
  console.log(`Helix API ready at ${core.apiBaseUrl}`);
  console.log(`  control panel: ${core.controlUrl}`);
  console.log(`  models:  ${core.config.current.roles.map((r) => `${r.modelId} (${r.provider}:${r.model})`).join(', ')}`);
  console.log(`  config:  ${core.configPath}`);
  console.log(`  API key: ${core.apiKeySource === 'HELIX_API_KEY' ? 'from HELIX_API_KEY' : `in ${core.apiKeySource}`}`);
  console.log(`  claude:  ${core.claudeBin ?? 'NOT FOUND — install @anthropic-ai/claude-code or set HELIX_CLAUDE_BIN'}`);
}

function exit(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Whether this module is the program node was started with (not imported by the bin). */
function isEntry(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) void serveCommand(process.argv.slice(2));

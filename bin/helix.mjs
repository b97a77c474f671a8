#!/usr/bin/env node
/**
 * The `helix` command. `helix serve` runs the headless server in this very process (no child to
 * hand signals to), so a TERM to this pid is a graceful stop: runs cancelled, logs flushed, port
 * and data dir released. Needs the build (out/), which `npm run serve` and `npm test` make.
 *
 * Started through npm (`npx helix serve`, or `npm run serve` on a shell without `exec`), there is
 * a shell between npm and this process that dies of npm's forwarded TERM without passing it on;
 * so there (npm sets npm_lifecycle_event), the server lives as long as the process that started
 * it: once that parent is gone, it stops as on TERM.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const USAGE = `Usage: helix <command> [options]

Commands:
  serve    the OpenAI-compatible server and the control panel, without a window (helix serve --help)`;

// Taken first: the parent may go while the server starts, and that must not go unnoticed.
const parent = process.ppid;
const [command, ...args] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(USAGE);
} else if (command === 'serve') {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'serve.js');
  if (!existsSync(entry)) {
    console.error(`Helix is not built here (no ${entry}): run "npm run build" first.`);
    process.exit(2);
  }
  const { serveCommand } = await import(pathToFileURL(entry).href);
  await serveCommand(args);
  if (process.env.npm_lifecycle_event) stopWhenOrphaned();
} else {
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  process.exit(2);
}

/** Sends this process the TERM its parent did not pass on, once that parent is gone. */
function stopWhenOrphaned() {
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 500);
  watch.unref();
}

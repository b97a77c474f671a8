/**
 * `node out/main/proxy.js`: the proxy on its own, for running Claude Code yourself against a
 * provider whose key stays with the proxy (what y-router was used for):
 *   ANTHROPIC_BASE_URL=http://127.0.0.1:<port>/p/<provider> ANTHROPIC_API_KEY=<key> claude
 * The key is HELIX_PROXY_KEY, or one generated and printed at start.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigStore } from './providers/config-store';
import { ConfigError } from './providers/load-config';
import { staticKeyAuthorizer } from './proxy/proxy-access';
import { buildProxyServer } from './proxy/proxy-server';
import { RequestLog } from './proxy/request-log';

const { values } = parseArgs({
  options: { config: { type: 'string' }, port: { type: 'string', default: '8787' }, host: { type: 'string', default: '127.0.0.1' } },
});
if (!values.config) {
  console.error('Usage: node out/main/proxy.js --config <llm-providers.yaml> [--port 8787] [--host 127.0.0.1]');
  process.exit(2);
}
let config: ConfigStore;
try {
  config = new ConfigStore(values.config);
} catch (error) {
  console.error(error instanceof ConfigError ? `Invalid config: ${error.message}` : String(error));
  process.exit(2);
}
config.watch();
const generated = !process.env.HELIX_PROXY_KEY;
const key = process.env.HELIX_PROXY_KEY ?? `sk-helix-proxy-${randomBytes(18).toString('base64url')}`;
const proxy = buildProxyServer({ authorize: staticKeyAuthorizer(key), getConfig: () => config.current, keys: (name) => process.env[name], requests: new RequestLog() });
await proxy.listen({ host: values.host, port: Number(values.port) });
const address = proxy.server.address() as { port: number };
const proxied = Object.entries(config.current.providers).filter(([, p]) => p.type !== 'claude-login').map(([name]) => name);
console.log(`Helix proxy ready at http://${values.host}:${address.port}/p/<provider> for: ${proxied.join(', ') || 'no providers with an API'}`);
if (generated) console.log(`  key: ${key}`);
const stop = (): void => void proxy.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

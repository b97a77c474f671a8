import { describe, expect, it } from 'vitest';
import type { RunErrorCode } from '../../common/run-event';
import { parseConfig } from '../../main/providers/load-config';
import { describeRunError } from '../../main/server/run-errors';

const config = parseConfig(
  'providers:\n  local:\n    type: anthropic\n    base_url: http://127.0.0.1:8788\n    api_key_env: LOCAL_KEY\ndefaults:\n  consultant: "local:m"\n',
  '/home/me/llm-providers.yaml',
);
const role = config.roles[0]!;

describe('describeRunError', () => {
  it.each<[RunErrorCode, number, string]>([
    ['cli_not_found', 503, 'HELIX_CLAUDE_BIN'],
    ['cli_crashed', 502, 'claude --version'],
    ['timeout', 504, 'run_timeout_seconds'],
    ['upstream_auth', 502, 'LOCAL_KEY'],
    ['upstream_rate_limit', 429, 'Wait a minute'],
    ['upstream_unavailable', 502, 'Check that the provider is up'],
    ['model_not_found', 502, 'Choose another model for role "consultant"'],
    ['run_failed', 500, 'Claude Code ended with an error'],
  ])('%s → HTTP %i, with what to do', (code, status, advice) => {
    const error = describeRunError({ code, detail: 'what the CLI said' }, role, config);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toContain(advice);
    if (code !== 'timeout') expect(error.message).toContain('what the CLI said');
  });

  it('names the provider and where to switch it', () => {
    const error = describeRunError({ code: 'upstream_unavailable', detail: 'down', httpStatus: 503 }, role, config);
    expect(error.message).toContain('Provider "local" (http://127.0.0.1:8788) failed (HTTP 503)');
    expect(error.message).toContain('/home/me/llm-providers.yaml');
  });

  it('keeps the message short when the provider said a lot', () => {
    const error = describeRunError({ code: 'upstream_unavailable', detail: '<html>'.repeat(50_000) }, role, config);
    expect(error.message.length).toBeLessThan(1500);
  });
});

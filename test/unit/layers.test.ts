/** The main process's layers hold: an import that points up (or sideways out of its list) fails lint. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function importErrors(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('main/ layers (eslint.config.js)', () => {
  it.each([
    ['main/platform/data-dir.ts', '../sessions/session-store'],
    ['main/sessions/session-store.ts', '../turns/turn-service'],
    ['main/sessions/session-store.ts', '../runner/claude-run'],
    ['main/runner/claude-run.ts', '../sessions/session-store'],
    ['main/turns/turn-service.ts', '../server/api-server'],
    ['main/server/responses/responses-route.ts', '../../control/control-service'],
    ['main/control/control-service.ts', '../app/helix-core'],
    ['main/app/helix-core.ts', '../electron/index'],
    ['main/desktop/tray-menu.ts', '../turns/run-service'],
  ])('%s may not import %s', async (file, specifier) => {
    const errors = await importErrors(file, specifier);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/may import only/);
  });

  it.each([
    ['main/turns/turn-service.ts', '../sessions/session-store'],
    ['main/server/responses/responses-route.ts', '../../turns/turn-handle'],
    ['main/app/helix-core.ts', '../control/control-service'],
    ['main/platform/diag-log.ts', '../../common/control'],
    ['main/electron/index.ts', '../app/helix-core'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await importErrors(file, specifier)).toEqual([]);
  });

  it('only main/electron imports electron', async () => {
    expect(await importErrors('main/app/helix-core.ts', 'electron')).toHaveLength(1);
    expect(await importErrors('main/electron/index.ts', 'electron')).toEqual([]);
  });
});

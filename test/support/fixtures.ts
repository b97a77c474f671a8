/** Real `claude` stream-json output recorded by test/fixtures/capture.ts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURE_CWD = '/tmp/helix-fixture-work';

export function claudeFixture(name: 'text' | 'tools' | 'auth-401' | 'error-500'): string {
  return readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'claude', `${name}.jsonl`), 'utf8');
}

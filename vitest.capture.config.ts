import { defineConfig } from 'vitest/config';

// Only for `npm run fixtures:capture`: re-records the CLI output the unit tests replay.
export default defineConfig({ test: { include: ['test/fixtures/capture.ts'], environment: 'node' } });

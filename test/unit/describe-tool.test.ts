import { describe, expect, it } from 'vitest';
import { describeToolCall, describeToolOutcome } from '../../main/runner/describe-tool';

describe('tool titles', () => {
  it.each([
    ['Read', { file_path: '/repo/main/server.ts' }, 'Read main/server.ts'],
    ['Read', { file_path: '/elsewhere/x.ts' }, 'Read /elsewhere/x.ts'],
    ['Edit', { file_path: '/repo/a.ts', old_string: 'a', new_string: 'b' }, 'Edit a.ts'],
    ['Bash', { command: 'npm test', description: 'run tests' }, 'Bash: npm test'],
    ['Bash', { command: 'cd x\nmake' }, 'Bash: cd x …'],
    ['Grep', { pattern: 'TODO', path: '/repo/src' }, 'Grep "TODO" in src'],
    ['WebFetch', { url: 'https://example.com' }, 'Fetch https://example.com'],
    ['Task', { description: 'Explore the code' }, 'Agent: Explore the code'],
    ['mcp__github__search', {}, 'mcp__github__search'],
  ])('%s %j → %s', (name, input, title) => {
    expect(describeToolCall(name, input, '/repo')).toBe(title);
  });

  it('cuts very long titles', () => {
    expect(describeToolCall('Bash', { command: 'x'.repeat(500) }, '/').length).toBeLessThanOrEqual(120);
  });

  it('tolerates missing or odd inputs', () => {
    expect(describeToolCall('Read', null, '/repo')).toBe('Read');
    expect(describeToolCall('Bash', { command: 42 }, '/repo')).toBe('Bash');
  });
});

describe('tool outcomes', () => {
  it.each([
    ['Bash', 'hi', { stdout: 'hi', interrupted: false }, false, 'exit 0'],
    ['Bash', 'Exit code 2\nnpm ERR!', 'Error: Exit code 2', true, 'exit 2'],
    ['Read', '1\tx', { type: 'text', file: { numLines: 12 } }, false, '12 lines'],
    ['Write', "Claude requested permissions to write to /w/x, but you haven't granted it yet.", 'Error', true, 'denied'],
    ['Read', '<tool_use_error>File does not exist.</tool_use_error>', 'Error', true, 'failed: File does not exist.'],
    ['Glob', [{ type: 'text', text: 'a.ts' }], {}, false, 'done'],
  ])('%s %j → %s', (name, content, structured, isError, outcome) => {
    expect(describeToolOutcome(name, content, structured, isError)).toBe(outcome);
  });
});

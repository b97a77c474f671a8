/**
 * The Sessions screen in Chromium against the real core and claude CLI, with a fake upstream
 * whose model runs TodoWrite, Bash, Read and Edit in a project folder: each call is shown the way
 * its tool reads (checklist, command with exit code and coloured output, file and lines, diff, a
 * sub-agent's call nested under its Agent card), in light and dark, the
 * session is renamed with the keyboard, and axe finds no serious or critical violation. The
 * screenshots are saved to test-artifacts/sessions-tools.png and sessions-tools-dark.png.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { ARTIFACTS, openPanel, openScreen } from '../support/browser';
import { text, type FakeRequest, type Reply } from '../support/fake-anthropic';
import { chatBody, readSse, startHarness, type Harness } from '../support/helix-harness';

let h: Harness;
let browser: Browser;
let page: Page;
let project: string;

const TODOS = (fixing: 'in_progress' | 'completed') => ({
  todos: [
    { content: 'Look at the notes', status: 'completed', activeForm: 'Looking at the notes' },
    { content: 'Fix the typo', status: fixing, activeForm: 'Fixing the typo' },
    { content: 'Tell the user', status: 'pending', activeForm: 'Telling the user' },
  ],
});

/** How many rounds of tool results the request carries: the model's next step. */
function rounds(req: FakeRequest): number {
  return (req.body.messages ?? []).filter((m) => m.role === 'user' && Array.isArray(m.content) && m.content.some((p: { type?: string }) => p.type === 'tool_result')).length;
}

/** The first user message's text: a sub-agent's conversation starts with the prompt it was given. */
function firstUserText(req: FakeRequest): string {
  const first = req.body.messages?.find((m) => m.role === 'user');
  if (typeof first?.content === 'string') return first.content;
  return Array.isArray(first?.content) ? first.content.map((p: { text?: string }) => p.text ?? '').join('\n') : '';
}

function script(req: FakeRequest): Reply {
  const notes = path.join(project, 'notes.md');
  if (firstUserText(req).includes('SUBTASK')) {
    return rounds(req) === 0 ? { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'ls *.md', description: 'List the notes' } }] } : text('There is one notes file: notes.md.');
  }
  switch (rounds(req)) {
    case 0:
      return {
        kind: 'message',
        blocks: [
          { type: 'text', text: 'Let me look first.' },
          { type: 'tool_use', name: 'TodoWrite', input: TODOS('in_progress') },
          { type: 'tool_use', name: 'Bash', input: { command: "printf '\\033[32mPASS\\033[0m notes.md\\n\\033[1;31mFAIL\\033[0m spelling\\n'; ls", description: 'Check the notes' } },
          { type: 'tool_use', name: 'Read', input: { file_path: notes, offset: 1, limit: 3 } },
          { type: 'tool_use', name: 'Agent', input: { description: 'Find the notes', prompt: 'SUBTASK: find the Markdown files', subagent_type: 'general-purpose', run_in_background: false } },
        ],
      };
    case 1:
      return {
        kind: 'message',
        blocks: [
          { type: 'tool_use', name: 'Edit', input: { file_path: notes, old_string: 'Teh second line', new_string: 'The second line' } },
          { type: 'tool_use', name: 'TodoWrite', input: TODOS('completed') },
        ],
      };
    default:
      return text('Fixed the typo in **notes.md**.');
  }
}

beforeAll(async () => {
  project = mkdtempSync(path.join(os.tmpdir(), 'helix-tools-project-'));
  writeFileSync(path.join(project, 'notes.md'), 'First line\nTeh second line\nThird line\n');
  h = await startHarness(script, { role: `\n    model: "local:claude-sonnet-4-5"\n    cwd: ${project}\n    permission_mode: bypassPermissions` });
  ({ browser, page } = await openPanel(h.core.controlUrl));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  rmSync(project, { recursive: true, force: true });
});

describe('tool calls on the Sessions screen, in Chromium', () => {
  it('shows each tool the way it reads, the folder, exit code, diff and checklist, with the file really edited', async () => {
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Fix the typo in notes.md'), headers: { 'x-helix-chat-id': 'tools' } });
    await readSse(response);
    expect(readFileSync(path.join(project, 'notes.md'), 'utf8')).toBe('First line\nThe second line\nThird line\n');

    await page.setViewportSize({ width: 1280, height: 1900 });
    await openScreen(page, 'Sessions');
    await page.getByRole('button', { name: /^Fix the typo in notes\.md/ }).click();
    const bash = page.locator('.timeline article.tool-bash').first();
    await bash.waitFor({ timeout: 30_000 });
    await expect.poll(() => bash.locator('.tool-badge').textContent()).toBe('exit 0');
    expect(await bash.locator('pre.command').textContent()).toContain("printf '");
    expect(await bash.locator('.cwd').textContent()).toBe(`in ${project}`);
    const output = bash.locator('pre.ansi');
    expect(await output.textContent()).toContain('notes.md');
    expect(await output.textContent()).not.toContain('\x1b');

    const read = page.locator('article.tool-read');
    expect(await read.locator('.tool-target').textContent()).toBe('notes.md');
    expect(await read.locator('.tool-target').getAttribute('title')).toBe(path.join(project, 'notes.md'));
    expect(await read.getByText('lines 1–3').count()).toBe(1);
    expect(await read.locator('.tool-badge').textContent()).toBe('3 lines');

    const edit = page.locator('article.tool-edit');
    expect(await edit.locator('.diff .removed').textContent()).toContain('Teh second line');
    expect(await edit.locator('.diff .added').textContent()).toContain('The second line');

    // This CLI build refuses TodoWrite (it keeps its list with TaskCreate and TaskUpdate unless
    // CLAUDE_CODE_ENABLE_TODO_TOOLS is set): the card shows the list the model wrote, and the refusal.
    const todos = page.locator('article.tool-todos');
    await expect.poll(() => todos.count()).toBe(2);
    expect(await todos.first().locator('.tool-badge.bad').textContent()).toBe('failed');
    expect(await todos.first().locator('.error-text').textContent()).toMatch(/No such tool available: TodoWrite/);
    expect(await todos.last().locator('li.todo').evaluateAll((items) => items.map((li) => `${li.className}: ${li.querySelector('.todo-text')?.textContent}`))).toEqual([
      'todo completed: Look at the notes',
      'todo completed: Fix the typo',
      'todo pending: Tell the user',
    ]);
    // The sub-agent's own call, nested under its card.
    const task = page.locator('article.tool-task');
    expect(await task.locator(':scope > .tool-head .tool-target').textContent()).toBe('Find the notes · general-purpose');
    const nested = task.getByRole('group', { name: 'Tool calls of Agent: Find the notes' }).locator('article.tool-bash');
    expect(await nested.locator('pre.command').textContent()).toBe('$ ls *.md');
    expect(await nested.locator('.tool-badge').textContent()).toBe('exit 0');
    expect(await nested.locator('pre.ansi').textContent()).toBe('notes.md');

    await page.locator('.item.answer', { hasText: 'Fixed the typo' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'sessions-tools.png') });
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sessions-tools-dark.png') });
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('renames the session with the keyboard alone, and the list shows the new title', async () => {
    await page.getByRole('button', { name: /^Rename session/ }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Notes typo fixed');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Notes typo fixed' }).waitFor();
    await page.getByRole('list', { name: 'Sessions' }).getByText('Notes typo fixed').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Rename session "Notes typo fixed"');
    expect(h.core.sessions.findByChatId('tools')?.title).toBe('Notes typo fixed');
    expect(await page.getByRole('button', { name: 'Open folder' }).count()).toBe(0); // a browser, not the desktop window
    expect(await axeViolations(page)).toEqual([]);
  });
});

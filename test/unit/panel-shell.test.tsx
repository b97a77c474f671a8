// @vitest-environment jsdom
/**
 * The panel's shell in jsdom: the sidebar (navigation with aria-current, live status, the
 * approvals badge), the Overview following runs live without a reload, and the theme choice.
 */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalView } from '../../common/approval';
import type { ControlSnapshot, SessionSummary } from '../../common/control';
import { App } from '../../renderer/src/App';
import { elapsed } from '../../renderer/src/format';
import { usageGlance } from '../../renderer/src/use-panel-status';
import { hideSetup } from '../../renderer/src/views/SetupBanner';
import { emptyUsage, panelClient, testSnapshot } from '../support/panel-client';

// A provider without a key opens the set-up guide first; this user hid it, so the panel opens on the Overview.
beforeEach(() => hideSetup());

afterEach(() => {
  cleanup();
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

const snapshot = (approvals: ApprovalView[] = []): ControlSnapshot =>
  testSnapshot({
    model: 'claude-sonnet-4-5',
    components: [
      { name: 'api', state: 'running', url: 'http://127.0.0.1:8765/v1', pid: 1, startedAt: null, lastError: null },
      { name: 'proxy', state: 'running', url: 'http://127.0.0.1:41000', pid: 1, startedAt: null, lastError: null },
    ],
    storage: { dataDir: '/data', freeBytes: null },
    approvals,
  });

const session = (id: string, title: string, status: SessionSummary['status'], runningSince?: string): SessionSummary => ({
  id, title, role: 'consultant', status, createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z', turns: 1, tokens: 0, costUsd: 0, ...(runningSince ? { runningSince } : {}),
});

const asked = (id: string): ApprovalView => ({
  id, sessionId: 's', sessionTitle: 'A chat', turnId: 't', role: 'consultant', tool: 'Bash', summary: `Bash \`ls\` (${id})`, detail: '$ ls', cwd: '/w',
  outsideWorkspace: false, suggestions: [], rule: 'Bash(ls)', projectRule: false, askedAt: '2026-12-01T10:00:00Z', deadline: '2026-12-01T10:05:00Z', status: 'pending',
});

/** Waits as long as a lazy screen's first import may take on a busy machine. */
const eventually = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 5000 });

const nav = (): HTMLElement => screen.getByRole('navigation', { name: 'Screens' });
const status = (): HTMLElement => screen.getByRole('list', { name: 'Status' });

describe('the sidebar', () => {
  it('is navigation with the current screen marked aria-current="page", the Overview first', async () => {
    const panel = panelClient({ snapshot: snapshot() });
    render(<App client={panel.client} />);
    await screen.findByRole('heading', { name: 'Servers' });
    const buttons = within(nav()).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['Overview', 'Sessions', 'Approvals', 'Providers', 'Usage', 'Server', 'Logs', 'Settings', 'Set-up']);
    expect(within(nav()).getByRole('button', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(within(nav()).getByRole('button', { name: 'Usage' }));
    expect(within(nav()).getByRole('button', { name: 'Usage' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav()).getByRole('button', { name: 'Overview' }).hasAttribute('aria-current')).toBe(false);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Usage');
    expect(screen.queryByRole('tablist')).toBeNull();
  });

  it('counts approvals waiting on a badge that follows them as they come and go, and opens them when the desktop asks', async () => {
    const panel = panelClient({ snapshot: snapshot([asked('a1')]) });
    render(<App client={panel.client} />);
    const approvals = (): HTMLElement => within(nav()).getByRole('button', { name: /^Approvals/ });
    await eventually(() => expect(within(approvals()).getByLabelText('1 waiting')).toBeTruthy());
    panel.state.snapshot = snapshot([asked('a1'), asked('a2')]);
    panel.send({ type: 'approval-added', approval: asked('a2') });
    await eventually(() => expect(within(approvals()).getByLabelText('2 waiting')).toBeTruthy());
    panel.state.snapshot = snapshot([]);
    panel.send({ type: 'approval-answered', approval: { ...asked('a1'), status: 'allowed' } });
    await eventually(() => expect(within(approvals()).queryByLabelText(/waiting/)).toBeNull());
    panel.send({ type: 'show', view: 'approvals' });
    expect(approvals().getAttribute('aria-current')).toBe('page');
  });

  it("shows the API server's state, the runs in flight and today's cost, live", async () => {
    const panel = panelClient({ snapshot: snapshot(), usage: emptyUsage([{ day: '2026-12-01', costUsd: 0.5, tokens: 1000, turns: 2 }]) });
    render(<App client={panel.client} />);
    await eventually(() => expect(status().textContent).toContain('$0.50 today'));
    expect(status().textContent).toContain('API running');
    expect(status().textContent).toContain('0 runs in flight');
    panel.send({ type: 'session-changed', session: session('s1', 'Fix the build', 'running', new Date().toISOString()) });
    expect(status().textContent).toContain('1 run in flight');
    // The turn ends: it leaves the count, and its cost is asked for.
    panel.state.usage = emptyUsage([{ day: '2026-12-01', costUsd: 0.75, tokens: 1500, turns: 3 }]);
    panel.send({ type: 'session-changed', session: session('s1', 'Fix the build', 'done') });
    expect(status().textContent).toContain('0 runs in flight');
    await eventually(() => expect(status().textContent).toContain('$0.75 today'));
  });
});

describe('the Overview', () => {
  it('shows a run starting in flight without a reload, with its elapsed time and the tool it is using, and drops it when it ends', async () => {
    const panel = panelClient({ snapshot: snapshot() });
    render(<App client={panel.client} />);
    const runs = (): HTMLElement => screen.getByRole('region', { name: /^Runs in flight/ });
    await screen.findByRole('region', { name: /^Runs in flight/ });
    await within(runs()).findByText('No runs in flight.');
    const loads = panel.calls.filter((c) => c.command === 'sessions:list').length;
    panel.send({ type: 'session-changed', session: session('s1', 'Fix the build', 'running', new Date(Date.now() - 65_000).toISOString()) });
    const row = within(runs()).getByText('Fix the build').closest('li') as HTMLElement;
    await eventually(() => expect(row.textContent).toMatch(/running for 1:0[5-6]/));
    expect(row.textContent).toContain('thinking…');
    panel.send({ type: 'run-event', sessionId: 's1', turnId: 't1', seq: 3, event: { type: 'tool_use', id: 'u1', name: 'Bash', title: 'Bash: npm test', input: { command: 'npm test' } } });
    expect(row.textContent).toContain('Bash: npm test');
    panel.send({ type: 'run-event', sessionId: 's1', turnId: 't1', seq: 4, event: { type: 'tool_result', id: 'u1', name: 'Bash', title: 'Bash: npm test', outcome: 'exit 0', isError: false } });
    expect(row.textContent).not.toContain('Bash: npm test');
    expect(within(runs()).getByRole('heading').textContent).toBe('Runs in flight (1)');
    panel.send({ type: 'session-changed', session: session('s1', 'Fix the build', 'failed') });
    await within(runs()).findByText('No runs in flight.');
    // The failed turn shows among the problems, also live.
    expect(within(screen.getByRole('region', { name: 'Latest problems' })).getByText('Turn failed: Fix the build')).toBeTruthy();
    expect(panel.calls.filter((c) => c.command === 'sessions:list').length).toBe(loads); // no list asked again
    // One click from the problems to the Logs screen, where they can be read in full.
    fireEvent.click(within(screen.getByRole('region', { name: 'Latest problems' })).getByRole('button', { name: 'Open Logs' }));
    expect(within(nav()).getByRole('button', { name: 'Logs' }).getAttribute('aria-current')).toBe('page');
  });

  it("shows each role's provider:model with its key, the servers' addresses, usage today and this month, and the log's warnings", async () => {
    const panel = panelClient({
      snapshot: snapshot(),
      usage: emptyUsage([
        { day: '2026-11-30', costUsd: 2, tokens: 20_000, turns: 4 },
        { day: '2026-12-01', costUsd: 0.25, tokens: 1234, turns: 1 },
      ]),
      log: [
        { time: '2026-12-01T10:00:00.000Z', level: 'info', msg: 'claude started', fields: {} },
        { time: '2026-12-01T10:01:00.000Z', level: 'warn', msg: 'provider call retried', component: 'runner', fields: {} },
      ],
    });
    render(<App client={panel.client} />);
    const card = (name: string | RegExp): HTMLElement => screen.getByRole('region', { name });
    await screen.findByRole('region', { name: 'Usage' });
    await eventually(() => expect(within(card('Usage')).getAllByText('$0.25')).toHaveLength(2)); // November is not this month
    expect(card('Usage').textContent).toContain('1,234 tokens');
    expect(card('Roles').textContent).toContain('helix-consultant');
    expect(card('Roles').textContent).toContain('anthropic:claude-sonnet-4-5');
    expect(card('Roles').textContent).toContain('key missing');
    expect(card('Servers').textContent).toContain('http://127.0.0.1:8765/v1');
    expect(card('Servers').textContent).toContain('http://127.0.0.1:41000');
    await within(card('Latest problems')).findByText('warn: provider call retried');
    expect(card('Latest problems').textContent).not.toContain('claude started');
    fireEvent.click(within(card('Roles')).getByRole('button', { name: 'Open Providers' }));
    expect(within(nav()).getByRole('button', { name: 'Providers' }).getAttribute('aria-current')).toBe('page');
  });
});

describe('themes', () => {
  it('follows the system until a theme is chosen, then keeps the choice', async () => {
    const panel = panelClient({ snapshot: snapshot() });
    render(<App client={panel.client} />);
    const theme = await screen.findByRole('group', { name: 'Theme' });
    expect(within(theme).getByRole('button', { name: 'System' }).getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.dataset.theme).toBe('light'); // jsdom's system preference
    fireEvent.click(within(theme).getByRole('button', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('helix-theme')).toBe('dark');
    cleanup();
    render(<App client={panel.client} />);
    expect(within(await screen.findByRole('group', { name: 'Theme' })).getByRole('button', { name: 'Dark' }).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('figures', () => {
  it("sums this month's days and takes today's from the last day", () => {
    const glance = usageGlance(emptyUsage([
      { day: '2026-11-30', costUsd: 1, tokens: 10, turns: 1 },
      { day: '2026-12-01', costUsd: 0.5, tokens: 5, turns: 1 },
      { day: '2026-12-02', costUsd: 0.25, tokens: 2, turns: 1 },
    ]));
    expect(glance).toEqual({ today: { costUsd: 0.25, tokens: 2, turns: 1 }, month: { costUsd: 0.75, tokens: 7, turns: 2 } });
    expect(usageGlance(emptyUsage([])).today.costUsd).toBe(0);
    expect(elapsed('2026-12-01T10:00:00.000Z', Date.parse('2026-12-01T11:02:03.000Z'))).toBe('1:02:03');
    expect(elapsed('2026-12-01T10:00:00.000Z', Date.parse('2026-12-01T10:00:42.000Z'))).toBe('0:42');
  });
});

// @vitest-environment jsdom
/**
 * The Logs screen: the request log follows pushed requests without asking again, filters them as
 * the server does, and opens a drill-down of named fields only; the diagnostic log is searched on
 * the server and shows new records while it follows; the tabs move with the arrow keys.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiagLogEntry, RequestEntry } from '../../common/control';
import { LogsView } from '../../renderer/src/views/LogsView';
import { fakeClient } from '../support/fake-control-client';

afterEach(cleanup);

const request = (id: string, fields: Partial<RequestEntry> = {}): RequestEntry => ({
  id,
  at: '2026-12-01T10:00:00.000Z',
  source: 'api',
  method: 'POST',
  path: '/v1/chat/completions',
  client: 'OpenAI/JS',
  model: 'helix-consultant',
  status: 200,
  latencyMs: 1234,
  tokens: 40,
  ...fields,
});

const FAILED = request('api-2', {
  status: 502,
  provider: 'router',
  modelAnswered: 'vendor/model-x',
  inputTokens: 30,
  outputTokens: 0,
  costUsd: 0.0012,
  sessionId: 'session-42',
  turnId: 'turn-0123456789',
  error: 'Provider "router" rejected the API key (HTTP 401). Check ROUTER_KEY.',
  providerError: { status: 401, type: 'authentication_error', message: 'Invalid API key: [redacted]' },
});

const record = (msg: string, level: DiagLogEntry['level'] = 'info'): DiagLogEntry => ({ time: '2026-12-01T10:00:00.000Z', level, msg, component: 'runner', fields: { pid: 7 } });

describe('the request log', () => {
  it('adds a request pushed while it is open to the top of the table, without asking for the list again', async () => {
    const client = fakeClient((command) => (command === 'requests:list' ? [request('api-1')] : undefined));
    render(<LogsView client={client} />);
    const table = await screen.findByRole('table', { name: 'Requests' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    act(() => client.emit({ type: 'request-logged', request: request('proxy-1', { source: 'proxy', client: 'Claude Code', path: '/p/local/v1/messages', model: 'claude-sonnet-4-5' }) }));
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]!.textContent).toContain('/p/local/v1/messages');
    // The same request heard twice is one row.
    act(() => client.emit({ type: 'request-logged', request: request('proxy-1', { source: 'proxy' }) }));
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(client.calls.filter((c) => c.command === 'requests:list')).toHaveLength(1);
  });

  it('asks for the list again when the event stream comes back after a break (requests logged meanwhile were missed)', async () => {
    let logged = [request('api-1')];
    const client = fakeClient((command) => (command === 'requests:list' ? logged : undefined));
    render(<LogsView client={client} />);
    const table = await screen.findByRole('table', { name: 'Requests' });
    logged = [request('api-2'), request('api-1')];
    act(() => client.emit({ type: 'reconnected' }));
    await vi.waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(client.calls.filter((c) => c.command === 'requests:list')).toHaveLength(2);
  });

  it('asks the server for failed requests only, and leaves out a pushed one that succeeded', async () => {
    const client = fakeClient((command, query) => (command === 'requests:list' ? ((query as { status: string }).status === 'errors' ? [FAILED] : [request('api-1'), FAILED]) : undefined));
    render(<LogsView client={client} />);
    await screen.findByRole('table', { name: 'Requests' });
    fireEvent.change(screen.getByLabelText('Request outcome'), { target: { value: 'errors' } });
    await vi.waitFor(() => expect(within(screen.getByRole('table', { name: 'Requests' })).getAllByRole('row')).toHaveLength(2));
    expect(client.calls.at(-1)).toEqual({ command: 'requests:list', args: [{ status: 'errors', query: '', limit: 300 }] });
    act(() => client.emit({ type: 'request-logged', request: request('api-3') }));
    act(() => client.emit({ type: 'request-logged', request: request('api-4', { status: 429 }) }));
    const rows = within(screen.getByRole('table', { name: 'Requests' })).getAllByRole('row');
    expect(rows.map((r) => r.getAttribute('data-request'))).toEqual([null, 'api-4', 'api-2']);
  });

  it('opens a failed request\'s drill-down: outcome, figures, models, provider, its session, the error and the provider\'s answer — named fields only', async () => {
    const sneaky = { ...FAILED, headers: { authorization: 'Bearer sk-should-never-show' }, body: 'sk-should-never-show' } as RequestEntry;
    const client = fakeClient((command) => (command === 'requests:list' ? [sneaky] : undefined));
    const onOpenSession = vi.fn();
    render(<LogsView client={client} onOpenSession={onOpenSession} />);
    fireEvent.click(await screen.findByRole('button', { name: /^Details of POST \/v1\/chat\/completions/ }));
    const details = screen.getByRole('complementary', { name: 'Request details' });
    const text = details.textContent!;
    for (const shown of ['502 · failed', '1,234 ms', '30 / 0', '$0.0012', 'helix-consultant', 'vendor/model-x', 'router', 'OpenAI/JS', 'rejected the API key', 'authentication_error', 'Invalid API key: [redacted]']) expect(text).toContain(shown);
    expect(document.body.textContent).not.toContain('sk-should-never-show');
    fireEvent.click(within(details).getByRole('link', { name: 'Open its session' }));
    expect(onOpenSession).toHaveBeenCalledWith('session-42');
    fireEvent.keyDown(details, { key: 'Escape' });
    expect(screen.queryByRole('complementary', { name: 'Request details' })).toBeNull();
  });
});

describe('the diagnostic log', () => {
  it('shows a new record while following, and stops asking once Follow is off', async () => {
    let records = [record('claude started')];
    const client = fakeClient((command) => (command === 'log:query' ? { file: '/data/logs/helix.log', level: 'info', entries: records } : []));
    render(<LogsView client={client} initialTab="diagnostic" />);
    const table = await screen.findByRole('table', { name: 'Diagnostic log records' });
    await within(table).findByText('claude started');
    records = [...records, record('claude exited', 'warn')];
    // Asked again within the follow interval (2 s), the new record appears on top.
    await within(table).findByText('claude exited', undefined, { timeout: 4000 });
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('claude exited');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Follow' })); // read once more on the change, then no more
    const asked = client.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(client.calls.length).toBe(asked);
  }, 10_000);

  it('sends the level and the text to the server', async () => {
    const client = fakeClient((command) => (command === 'log:query' ? { file: '/data/logs/helix.log', level: 'info', entries: [] } : []));
    render(<LogsView client={client} initialTab="diagnostic" />);
    await screen.findByText('Nothing logged yet.');
    fireEvent.change(screen.getByLabelText('Log level'), { target: { value: 'warn' } });
    fireEvent.change(screen.getByLabelText('Search the diagnostic log'), { target: { value: 'pid=7' } });
    await screen.findByText('Nothing logged at warn or worse containing “pid=7” yet.');
    expect(client.calls.at(-1)).toEqual({ command: 'log:query', args: [{ limit: 200, level: 'warn', text: 'pid=7' }] });
  });
});

describe('the tabs', () => {
  it('move with the arrow keys, focus following the selected tab', async () => {
    const client = fakeClient((command) => (command === 'log:query' ? { file: 'f', level: 'info', entries: [] } : []));
    render(<LogsView client={client} />);
    const requests = screen.getByRole('tab', { name: 'Requests' });
    expect(requests.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tab', { name: 'Diagnostic log' }).getAttribute('tabindex')).toBe('-1');
    requests.focus();
    fireEvent.keyDown(requests, { key: 'ArrowRight' });
    const diagnostic = screen.getByRole('tab', { name: 'Diagnostic log' });
    expect(diagnostic.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(diagnostic);
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(diagnostic.id);
    fireEvent.keyDown(diagnostic, { key: 'ArrowRight' }); // wraps around
    expect(document.activeElement).toBe(requests);
  });
});

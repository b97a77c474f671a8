// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlEvent } from '../../common/control';
import type { UsageReport } from '../../common/usage';
import type { ControlClient } from '../../renderer/src/control-client';
import { usageCsv } from '../../renderer/src/usage-csv';
import { UsageView } from '../../renderer/src/views/UsageView';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const days = (costs: number[]): UsageReport['days'] => costs.map((costUsd, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, costUsd, tokens: costUsd * 1000, turns: costUsd > 0 ? 1 : 0 }));

function report(total: number): UsageReport {
  return {
    since: '2026-11-01',
    days: days([0, 0.5, 0, total - 0.5]),
    byRole: [{ role: 'developer', costUsd: total, tokens: total * 1000, turns: 2 }],
    byProvider: [{ provider: 'anthropic', costUsd: total, tokens: total * 1000, turns: 2 }],
    byAuth: [
      { source: 'none', kind: 'subscription', costUsd: 0.5, tokens: 500, turns: 1 },
      { source: 'ANTHROPIC_API_KEY', kind: 'api-key', costUsd: total - 0.5, tokens: 1000, turns: 1 },
    ],
    topSessions: [{ id: 's1', title: 'Fix the "build", now', role: 'developer', costUsd: total, tokens: total * 1000, turns: 2 }],
    total: { costUsd: total, tokens: total * 1000, turns: 2 },
  };
}

function fakeClient(first: UsageReport, later: UsageReport) {
  const listeners = new Set<(e: ControlEvent) => void>();
  const invoke = vi.fn().mockResolvedValueOnce(first).mockResolvedValue(later);
  const client = { invoke, subscribe: (l: (e: ControlEvent) => void) => (listeners.add(l), () => listeners.delete(l)) } as unknown as ControlClient;
  return { client, invoke, emit: (e: ControlEvent) => listeners.forEach((l) => l(e)) };
}

describe('UsageView', () => {
  it('shows totals per role, provider and login, the top chats and a chart, and follows session changes', async () => {
    const fake = fakeClient(report(2), report(5));
    render(<UsageView client={fake.client} />);
    await screen.findByText('Last 30 days: $2.00, 2,000 tokens, 2 turns');
    expect(fake.invoke).toHaveBeenCalledWith('usage:get', 30);
    const logins = screen.getByRole('table', { name: 'Per login' });
    expect(within(logins).getByText('Claude Code login (subscription)')).toBeTruthy();
    expect(within(logins).getByText('API key (ANTHROPIC_API_KEY)')).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Most expensive chats' })).getByText('Fix the "build", now (helix-developer)')).toBeTruthy();
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Cost per day from 2026-11-01 to 2026-11-04; the highest day $1.50.');
    expect(document.querySelectorAll('rect.bar')).toHaveLength(4);
    // A burst of session changes is one fetch.
    vi.useFakeTimers();
    act(() => {
      for (let i = 0; i < 5; i++) fake.emit({ type: 'session-changed', session: {} as never });
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1100);
    });
    vi.useRealTimers();
    await screen.findByText('Last 30 days: $5.00, 5,000 tokens, 2 turns');
    expect(fake.invoke).toHaveBeenCalledTimes(2);
  });

  it('exports CSV with every section, quoting what needs it', () => {
    const csv = usageCsv(report(2)).split('\r\n');
    expect(csv[0]).toBe('section,name,cost_usd,tokens,turns');
    expect(csv).toContain('day,2026-11-02,0.500000,500,1');
    expect(csv).toContain('login,subscription: none,0.500000,500,1');
    expect(csv).toContain('chat,"Fix the ""build"", now",2.000000,2000,2');
    expect(csv).toContain('total,since 2026-11-01,2.000000,2000,2');
    expect(usageCsv({ ...report(1), topSessions: [{ id: 'x', title: '=HYPERLINK("x")', role: 'r', costUsd: 1, tokens: 1, turns: 1 }] })).toContain(`chat,"'=HYPERLINK(""x"")"`);
  });
});

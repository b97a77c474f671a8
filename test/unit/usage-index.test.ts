import { describe, expect, it } from 'vitest';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { UsageIndex } from '../../main/usage/usage-index';

const usage = (input: number, output: number): TurnRecord['usage'] => ({ inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheCreationTokens: 0, thinkingTokens: 0 });

function turn(startedAt: string, target: string, costUsd: number, tokens: [number, number], apiKeySource?: string, ended = true): TurnRecord {
  return { id: `t-${startedAt}-${target}`, parentKey: '', user: 'q', assistant: 'a', target, status: 'done', delivered: true, startedAt, endedAt: ended ? startedAt : undefined, usage: usage(...tokens), costUsd, apiKeySource };
}

function session(id: string, role: string, turns: TurnRecord[]): SessionRecord {
  return { id, role, title: `chat ${id}`, cwd: '/w', createdAt: turns[0]?.startedAt ?? '', updatedAt: '', turns };
}

const NOW = new Date('2026-12-01T12:00:00Z');

describe('UsageIndex', () => {
  it('adds up cost and tokens per day, role, provider and login over the last days, most expensive first', () => {
    const index = new UsageIndex([
      session('a', 'consultant', [turn('2026-12-01T08:00:00Z', 'anthropic:sonnet', 0.5, [100, 50], 'ANTHROPIC_API_KEY'), turn('2026-11-30T08:00:00Z', 'anthropic:sonnet', 0.25, [10, 5], 'ANTHROPIC_API_KEY')]),
      session('b', 'developer', [turn('2026-12-01T09:00:00Z', 'claude:opus', 2, [1000, 500], 'none'), turn('2026-10-01T09:00:00Z', 'claude:opus', 9, [1, 1], 'none')]),
      session('c', 'developer', [turn('2026-11-29T09:00:00Z', 'openrouter:qwen/qwen3-coder', 0.01, [7, 3])]),
    ]);
    const report = index.report(3, NOW);
    expect(report.since).toBe('2026-11-29');
    expect(report.days).toEqual([
      { day: '2026-11-29', costUsd: 0.01, tokens: 10, turns: 1 },
      { day: '2026-11-30', costUsd: 0.25, tokens: 15, turns: 1 },
      { day: '2026-12-01', costUsd: 2.5, tokens: 1650, turns: 2 },
    ]);
    expect(report.byRole.map((r) => [r.role, r.costUsd, r.turns])).toEqual([['developer', 2.01, 2], ['consultant', 0.75, 2]]);
    expect(report.byProvider.map((p) => p.provider)).toEqual(['claude', 'anthropic', 'openrouter']);
    expect(report.byAuth.map((a) => [a.source, a.kind, a.turns])).toEqual([['none', 'subscription', 1], ['ANTHROPIC_API_KEY', 'api-key', 2], ['not reported', 'unknown', 1]]);
    expect(report.topSessions.map((s) => [s.id, s.costUsd])).toEqual([['b', 2], ['a', 0.75], ['c', 0.01]]);
    expect(report.total).toEqual({ costUsd: 2.76, tokens: 1675, turns: 4 });
  });

  it('follows a session as it changes: its turns replace what was counted for it, unfinished turns wait', () => {
    const record = session('a', 'consultant', [turn('2026-12-01T08:00:00Z', 'anthropic:sonnet', 1, [10, 10])]);
    const index = new UsageIndex([record]);
    expect(index.report(30, NOW).total.turns).toBe(1);
    record.turns.push(turn('2026-12-01T10:00:00Z', 'anthropic:sonnet', 3, [10, 10], undefined, false));
    index.update(record);
    expect(index.report(30, NOW).total).toEqual({ costUsd: 1, tokens: 20, turns: 1 });
    record.turns[1]!.endedAt = '2026-12-01T10:01:00Z';
    index.update(record);
    expect(index.report(30, NOW).total).toEqual({ costUsd: 4, tokens: 40, turns: 2 });
    index.update(record); // the same change again counts once
    expect(index.report(30, NOW).total.turns).toBe(2);
    index.remove('a');
    expect(index.report(30, NOW)).toMatchObject({ total: { turns: 0 }, topSessions: [], byRole: [] });
    expect(index.report(30, NOW).days).toHaveLength(30);
  });
});

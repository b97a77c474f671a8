/**
 * What the sidebar and the Overview show at a glance, kept live: the runs in flight (and the tool
 * each is using now), and today's and this month's tokens and cost. Runs come from the sessions
 * list filtered to running ones (changed in place by `session-changed`); the tool from the live
 * run events; the totals from `usage:get`, asked again when a turn ends (when cost changes).
 */
import { useEffect, useState } from 'react';
import type { SessionSummary } from '../../common/control';
import type { UsageReport, UsageTotals } from '../../common/usage';
import type { ControlClient } from './control-client';
import { useSessionList } from './use-session-list';

export interface UsageGlance {
  /** Today (UTC), as the usage report counts days. */
  today: UsageTotals;
  /** The calendar month (UTC) up to today. */
  month: UsageTotals;
}

export interface PanelStatus {
  running: SessionSummary[];
  /** How many runs are in flight (all of them, loaded or not). */
  runningCount: number;
  /** Per running session, what its current tool call is doing ("Bash: npm test"). */
  liveTools: Record<string, string>;
  usage: UsageGlance | null;
}

/** Enough days for the whole current month. */
const USAGE_DAYS = 31;
/** Turn ends come in bursts with many chats: one report per second at most. */
const REFETCH_MS = 1000;
/** The day changes with no event. */
const DAY_CHECK_MS = 5 * 60_000;

const ZERO: UsageTotals = { costUsd: 0, tokens: 0, turns: 0 };
const add = (a: UsageTotals, b: UsageTotals): UsageTotals => ({ costUsd: a.costUsd + b.costUsd, tokens: a.tokens + b.tokens, turns: a.turns + b.turns });

/** Today's and this month's totals from a report of days (the last day is today). */
export function usageGlance(report: UsageReport): UsageGlance {
  const today = report.days.at(-1);
  if (!today) return { today: ZERO, month: ZERO };
  const month = today.day.slice(0, 7);
  return { today: { costUsd: today.costUsd, tokens: today.tokens, turns: today.turns }, month: report.days.filter((d) => d.day.startsWith(month)).reduce<UsageTotals>(add, ZERO) };
}

export function usePanelStatus(client: ControlClient): PanelStatus {
  const running = useSessionList(client, { status: 'running' });
  const [liveTools, setLiveTools] = useState<Record<string, string>>({});
  const [usage, setUsage] = useState<UsageGlance | null>(null);

  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === 'run-event') {
          const e = event.event;
          if (e.type === 'tool_use') setLiveTools((tools) => ({ ...tools, [event.sessionId]: e.title }));
          else if (e.type === 'tool_result' || e.type === 'result') clearTool(setLiveTools, event.sessionId);
        } else if (event.type === 'session-changed' && event.session.status !== 'running') clearTool(setLiveTools, event.session.id);
        else if (event.type === 'session-deleted') clearTool(setLiveTools, event.sessionId);
        else if (event.type === 'reconnected') setLiveTools({}); // the next tool call of a run still going shows again
      }),
    [client],
  );

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      timer = undefined;
      client.invoke('usage:get', USAGE_DAYS).then(
        (report) => live && setUsage(usageGlance(report)),
        () => undefined, // the Usage screen says why; the glance keeps its last figures
      );
    };
    load();
    const every = setInterval(load, DAY_CHECK_MS);
    const stop = client.subscribe((event) => {
      // Cost is counted when a turn ends (or was, while the stream was broken).
      const ended = event.type === 'reconnected' || (event.type === 'session-changed' && event.session.status !== 'running' && event.session.status !== 'queued');
      if (ended && timer === undefined) timer = setTimeout(load, REFETCH_MS);
    });
    return () => {
      live = false;
      clearTimeout(timer);
      clearInterval(every);
      stop();
    };
  }, [client]);

  return { running: running.sessions, runningCount: running.total, liveTools, usage };
}

/** Removes a session's tool; the same object (no render) when it had none. */
function clearTool(set: React.Dispatch<React.SetStateAction<Record<string, string>>>, sessionId: string): void {
  set((tools) => {
    if (!(sessionId in tools)) return tools;
    const { [sessionId]: _gone, ...rest } = tools;
    return rest;
  });
}

/** The sessions list and the selected session's timeline, updated live as Claude Code works. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import Markdown from 'react-markdown';
import type { ControlEvent, LogEntry, SessionSummary } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { sessionFacts, turnTotals } from '../format';
import { exportFileName, sessionMarkdown } from '../session-export';
import { useSessionList } from '../use-session-list';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/Dialog';
import { useToast } from '../ui/Toast';
import { applyEvent, buildTimeline, followEvent, openTimeline, type LiveTimeline, type TimelineItem } from '../timeline';
import { StreamingAnswer } from './StreamingAnswer';
import { ApprovalCard, ApprovalClient } from './ApprovalCard';
import { CopyButton } from './CopyButton';
import { InlineError } from './InlineError';
import { SessionTitle } from './SessionTitle';
import { ToolCard } from './ToolCard';
import './sessions.css';

type RunEventMessage = Extract<ControlEvent, { type: 'run-event' }>;

interface Props {
  client: ControlClient;
  /** The session shown first (a link from another screen). */
  initialSession?: string;
}

const STATUSES = ['all', 'running', 'done', 'failed', 'cancelled', 'interrupted', 'queued'] as const;

export function SessionsView({ client, initialSession }: Props): React.JSX.Element {
  const [selected, setSelected] = useState<string | null>(initialSession ?? null);
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('all');
  const list = useSessionList(client, { query: filter, status });
  const shown = list.sessions;
  const current = selected ?? shown[0]?.id ?? null;
  // The open session stays open (and its summary live) when a filter or a page leaves it out of the list.
  const [opened, setOpened] = useState<SessionSummary | undefined>(undefined);
  const listed = shown.find((s) => s.id === current);
  const select = (session: SessionSummary): void => {
    setSelected(session.id);
    setOpened(session);
  };
  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === 'session-changed') setOpened((open) => (open?.id === event.session.id ? event.session : open));
        if (event.type === 'session-deleted') setOpened((open) => (open?.id === event.sessionId ? undefined : open));
      }),
    [client],
  );
  const currentSession = listed ?? (opened?.id === current ? opened : undefined);

  return (
    <main className="sessions">
      <aside>
        <div className="filters">
          <input type="search" placeholder="Search sessions" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Search sessions" />
          <select value={status} onChange={(e) => setStatus(e.target.value as (typeof STATUSES)[number])} aria-label="Filter by status">
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        {list.error && <div className="banner error">{list.error}</div>}
        {list.loaded && shown.length === 0 && (filter || status !== 'all' ? <p className="empty">No session matches.</p> : <p className="empty">No sessions yet. Chat with a helix-… model to start one.</p>)}
        <SessionList sessions={shown} total={list.total} current={current} onSelect={select} onEnd={list.loadMore} />
      </aside>
      <ApprovalClient.Provider value={client}>
        {currentSession ? <Timeline key={currentSession.id} client={client} session={currentSession} /> : <section className="timeline-pane empty">Select a session.</section>}
      </ApprovalClient.Provider>
    </main>
  );
}

/** The sessions, virtualised: only the rows in view are in the page, and the next page is asked for near the end. */
function SessionList({ sessions, total, current, onSelect, onEnd }: { sessions: SessionSummary[]; total: number; current: string | null; onSelect(session: SessionSummary): void; onEnd(): void }): React.JSX.Element {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer manages its own memoisation
  const rows = useVirtualizer({ count: sessions.length, getScrollElement: () => scroller.current, estimateSize: () => 64, overscan: 8, getItemKey: (i) => sessions[i]?.id ?? i });
  const visible = rows.getVirtualItems();
  const last = visible.at(-1)?.index ?? -1;
  useEffect(() => {
    if (sessions.length < total && last >= sessions.length - 10) onEnd();
  }, [last, sessions.length, total, onEnd]);
  return (
    <div className="session-list" ref={scroller}>
      <ul style={{ height: rows.getTotalSize(), position: 'relative' }} aria-label="Sessions">
        {visible.map((row) => {
          const s = sessions[row.index] as SessionSummary;
          return (
            <li key={row.key} data-index={row.index} ref={rows.measureElement} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
              <SessionRow session={s} selected={s.id === current} onSelect={onSelect} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const SessionRow = memo(function SessionRow({ session: s, selected, onSelect }: { session: SessionSummary; selected: boolean; onSelect(session: SessionSummary): void }): React.JSX.Element {
  return (
    <button className={selected ? 'session selected' : 'session'} onClick={() => onSelect(s)}>
      <span className="title">{s.title}</span>
      <span className={`status ${s.status}`}>{s.status}</span>
      <span className="meta">{sessionFacts(s, new Date(s.createdAt).toLocaleString())}</span>
    </button>
  );
});

function Timeline({ client, session }: { client: ControlClient; session: SessionSummary }): React.JSX.Element {
  const sessionId = session.id;
  const running = session.status === 'running';
  // What is shown, and how far into each turn it goes; the ref is read by the live events' handler.
  const [items, setItems] = useState<TimelineItem[]>([]);
  const timeline = useRef<LiveTimeline>({ items: [], held: {} });
  // Live events change a copy of the timeline in place (a draft), shown once per frame: many deltas
  // between two frames cost one copy and one render.
  const draft = useRef(false);
  const frame = useRef(0);
  const show = (next: LiveTimeline): void => {
    cancelAnimationFrame(frame.current);
    frame.current = 0;
    draft.current = false;
    timeline.current = next;
    setItems(next.items);
  };
  const follow = (turnId: string, seq: number, event: RunEventMessage['event']): 'gap' | undefined => {
    if (!draft.current) {
      timeline.current = { items: timeline.current.items.slice(), held: { ...timeline.current.held } };
      draft.current = true;
    }
    const applied = applyEvent(timeline.current, turnId, seq, event);
    if (applied === 'gap') return 'gap';
    if (applied === 'added' && frame.current === 0) {
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        draft.current = false;
        setItems(timeline.current.items);
      });
    }
    return undefined;
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  // Live events heard while a snapshot is on its way: each may be in it or not, so they are added
  // on top of it once it comes, each at most once (null while no snapshot is awaited).
  const heardWhileLoading = useRef<RunEventMessage[] | null>(null);
  // Bumped when a live event shows that earlier ones were missed: a new snapshot fills the hole.
  const [resyncs, setResyncs] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [folderError, setFolderError] = useState<string | null>(null);
  const toast = useToast();
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // Only the rows in view are rendered, so a session of 100,000 events stays smooth.
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer manages its own memoisation
  const rows = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => 48, overscan: 12 });

  // The log before this byte offset is not loaded yet: a huge session opens on its latest turns.
  const [start, setStart] = useState(0);
  const [total, setTotal] = useState(0);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  // Bumped by each reload of the latest page: an earlier page asked for before it no longer fits.
  const reloads = useRef(0);

  useEffect(() => {
    const reload = ++reloads.current;
    heardWhileLoading.current = [];
    client.invoke('session:get', sessionId).then(
      (page) => {
        if (reload !== reloads.current) return;
        let next = openTimeline(page.log);
        for (const heard of heardWhileLoading.current ?? []) {
          const followed = followEvent(next, heard.turnId, heard.seq, heard.event);
          if (followed === 'gap') {
            setResyncs((n) => n + 1);
            break;
          }
          next = followed;
        }
        heardWhileLoading.current = null;
        show(next);
        setStart(page.start);
        setTotal(page.total);
      },
      (e: Error) => {
        if (reload === reloads.current) heardWhileLoading.current = null;
        setError(e.message);
      },
    );
  }, [client, sessionId, running, resyncs]);

  const loadEarlier = async (): Promise<void> => {
    const reload = reloads.current;
    setLoadingEarlier(true);
    try {
      const page = await client.invoke('session:get', sessionId, start);
      if (reload !== reloads.current) return;
      const earlier = openTimeline(page.log);
      following.current = false;
      show({ items: [...earlier.items, ...timeline.current.items], held: { ...earlier.held, ...timeline.current.held } });
      setStart(page.start);
      // What was at the top stays in view.
      requestAnimationFrame(() => rows.scrollToIndex(earlier.items.length, { align: 'start' }));
    } finally {
      setLoadingEarlier(false);
    }
  };

  useEffect(
    () =>
      client.subscribe((event) => {
        // Events were missed: a new snapshot.
        if (event.type === 'reconnected') setResyncs((n) => n + 1);
        if (event.type !== 'run-event' || event.sessionId !== sessionId) return;
        if (heardWhileLoading.current) {
          heardWhileLoading.current.push(event);
          return;
        }
        // Only the item a delta changes is replaced, so the other rows keep their identity (and skip rendering).
        if (follow(event.turnId, event.seq, event.event) === 'gap') setResyncs((n) => n + 1);
      }),
    [client, sessionId],
  );

  useEffect(() => {
    if (following.current && items.length > 0) rows.scrollToIndex(items.length - 1, { align: 'end' });
  }, [items, rows]);

  const runningTurn = running ? items.findLast((i) => i.kind === 'prompt')?.turnId : undefined;
  // The answer still being written: the running turn's last item, when it is its answer.
  const last = items.at(-1);
  const streaming = runningTurn !== undefined && last?.kind === 'answer' && last.turnId === runningTurn ? items.length - 1 : -1;
  return (
    <section className="timeline-pane" aria-label="Session timeline">
      <div className="timeline-head">
        <SessionTitle title={session.title} rename={(title) => client.invoke('session:rename', sessionId, title)} />
        {client.capabilities?.openFolder && (
          <button type="button" onClick={() => client.invoke('session:open-folder', sessionId).then(() => setFolderError(null), (e: Error) => setFolderError(e.message))}>
            Open folder
          </button>
        )}
        <InlineError message={folderError} />
      </div>
      {error && <div className="banner error">{error}</div>}
      <div className="timeline-actions">
        {start > 0 && (
          <button className="earlier" disabled={loadingEarlier} onClick={() => void loadEarlier().catch((e: Error) => setError(e.message))}>
            Load earlier turns ({Math.max(1, Math.round((start / total) * 100))}% of the log not shown)
          </button>
        )}
        {runningTurn && (
          <Button
            onClick={() =>
              void client.invoke('turn:cancel', runningTurn).then(
                ({ cancelled }) => (cancelled ? toast.success('The running turn was cancelled.') : toast.error('Not cancelled', 'The turn had already ended.')),
                (e: Error) => toast.error('Not cancelled', e.message),
              )
            }
          >
            Cancel the running turn
          </Button>
        )}
        <Button onClick={() => void exportSession(client, session).then(() => toast.success(`"${session.title}" exported as Markdown.`), (e: Error) => toast.error('Not exported', e.message))}>Export as Markdown</Button>
        <Button variant="danger" disabled={running} aria-label={`Delete session ${session.title}`} title={running ? 'Cancel the running turn first' : undefined} onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete the session "${session.title}"?`}
          body={`"${session.title}" and all its files go: its log, images, its own workspace and Claude Code's transcripts of it. This cannot be undone. The chat in your client stays, and its next message starts a new session.`}
          confirmLabel="Delete the session"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            client.invoke('session:delete', sessionId).then(
              ({ deleted }) => (deleted ? toast.success(`Session "${session.title}" deleted, with all its files.`) : toast.error('Not deleted', 'The session was already gone.')),
              (e: Error) => toast.error(`"${session.title}" not deleted`, e.message),
            );
          }}
        />
      )}
      <div
        className="timeline"
        ref={scroller}
        data-testid="timeline"
        onScroll={(e) => {
          const el = e.currentTarget;
          following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((row) => (
            <div key={row.key} data-index={row.index} ref={rows.measureElement} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
              <TimelineRow item={items[row.index] as TimelineItem} streaming={row.index === streaming} />
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

/** The whole session, every page of its log, as a Markdown download. */
async function exportSession(client: ControlClient, session: SessionSummary): Promise<void> {
  let page = await client.invoke('session:get', session.id);
  const pages: LogEntry[][] = [page.log];
  while (page.start > 0) {
    page = await client.invoke('session:get', session.id, page.start);
    pages.unshift(page.log);
  }
  download(exportFileName(session), sessionMarkdown(session, buildTimeline(pages.flat())));
}

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One item; memoised, so a live delta re-renders only the item it changed. */
const TimelineRow = memo(function TimelineRow({ item, streaming }: { item: TimelineItem; streaming: boolean }): React.JSX.Element {
  switch (item.kind) {
    case 'prompt':
      return (
        <div className="item prompt">
          <span className="label">You{item.resumed ? ' (resumed session)' : ''}</span>
          <pre>{item.text}</pre>
          {item.images.length > 0 && <span className="meta">{item.images.length} image(s) attached</span>}
        </div>
      );
    case 'tool':
      return <ToolCard call={item} />;
    case 'thinking':
      return (
        <details className="item thinking">
          <summary>Thinking</summary>
          <pre>{item.text}</pre>
        </details>
      );
    case 'answer':
      return (
        <div className="item answer">
          <div className="answer-head">
            <span className="label">Claude Code</span>
            {!streaming && <CopyButton text={item.text} label="Copy this answer as Markdown" />}
          </div>
          <div className="markdown">{streaming ? <StreamingAnswer text={item.text} /> : <Markdown>{item.text}</Markdown>}</div>
        </div>
      );
    case 'approval':
      return <ApprovalCard approval={item.approval} />;
    case 'retry':
    case 'task':
      return <div className="item note">{item.text}</div>;
    case 'turn-end':
      return (
        <div className={`item turn-end ${item.status}`}>
          {turnTotals(item)}
        </div>
      );
  }
}, sameRow);

/** A row read again from the log (a new snapshot) is rendered again only if it changed. */
function sameRow(before: { item: TimelineItem; streaming: boolean }, after: { item: TimelineItem; streaming: boolean }): boolean {
  if (before.streaming !== after.streaming) return false;
  if (before.item === after.item) return true;
  const a = before.item as Record<string, unknown>;
  const b = after.item as Record<string, unknown>;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

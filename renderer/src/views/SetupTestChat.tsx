/**
 * The set-up guide's last step: a test chat through Helix's own API (`setup:test-chat`), followed
 * live — its session is recognised by the chat id the panel gave it, then its run events are
 * shown as they come (Claude Code starting, tools, retries, the answer) — and its outcome: the
 * answer with its time and cost, or the error with what to do about it.
 */
import { useEffect, useRef, useState } from 'react';
import type { RunEvent } from '../../../common/run-event';
import type { SetupTestChat } from '../../../common/control';
import type { ControlClient } from '../control-client';

interface Props {
  client: ControlClient;
  roles: string[];
  onDone(result: SetupTestChat): void;
  onOpenSession?(sessionId: string): void;
}

/** What to do about an error, by the API's error code (the message itself already says what happened). */
const ADVICE: Record<string, string> = {
  upstream_auth: 'Check the key in step 2: the provider refused it.',
  provider_misconfigured: 'The role\'s provider has no key or is incomplete: fix it in step 2.',
  cli_not_found: 'Claude Code was not found: see step 1.',
  model_not_found: 'The provider does not know that model: pick another in step 2.',
  upstream_rate_limit: 'The provider is rate-limiting: wait a minute and send again.',
  upstream_unavailable: 'The provider could not be reached or failed: check its URL and that it is running.',
  timeout: 'The run took longer than the time limit (Settings).',
  api_stopped: 'Start the API server on the Server screen.',
};

export function TestChat({ client, roles, onDone, onOpenSession }: Props): React.JSX.Element {
  const [role, setRole] = useState(roles[0] ?? '');
  const [running, setRunning] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [answer, setAnswer] = useState('');
  const [result, setResult] = useState<SetupTestChat | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const unsubscribe = useRef<(() => void) | null>(null);
  useEffect(() => () => unsubscribe.current?.(), []);

  const send = (): void => {
    const chatId = `helix-setup-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    setRunning(true);
    setLines(['Sent to the API server…']);
    setAnswer('');
    setResult(null);
    setFailure(null);
    let sessionId: string | null = null;
    unsubscribe.current?.();
    unsubscribe.current = client.subscribe((event) => {
      if (event.type === 'session-changed' && event.session.chatId === chatId) sessionId = event.session.id;
      if (event.type !== 'run-event' || event.sessionId !== sessionId) return;
      const { event: run } = event;
      if (run.type === 'text') setAnswer((text) => text + run.text);
      else if (run.type === 'text_discarded') setAnswer('');
      const line = describe(run);
      if (line) setLines((shown) => [...shown, line].slice(-8));
    });
    client.invoke('setup:test-chat', role, chatId).then(
      (outcome) => {
        setResult(outcome);
        onDone(outcome);
      },
      (error: Error) => setFailure(error.message),
    ).finally(() => {
      setRunning(false);
      unsubscribe.current?.();
      unsubscribe.current = null;
    });
  };

  return (
    <div className="test-chat">
      <div className="form-actions">
        <label>
          Role{' '}
          <select value={role} onChange={(event) => setRole(event.target.value)}>
            {roles.map((name) => (
              <option key={name} value={name}>
                helix-{name}
              </option>
            ))}
          </select>
        </label>
        <button onClick={send} disabled={running || !role}>
          {running ? 'Sending…' : 'Send a test chat'}
        </button>
      </div>
      <p className="muted">It goes through the API server as your chat client&apos;s messages will, runs Claude Code, and is kept in Sessions.</p>
      {(running || lines.length > 0) && (
        <div className="live-status" aria-live="polite" aria-label="Test chat progress">
          <ul>
            {lines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          {answer && !result && <p className="answer-so-far">{answer}</p>}
        </div>
      )}
      <div role="status">
        {result?.ok && (
          <div className="test-result good">
            <strong>It works.</strong> Answered in {(result.durationMs / 1000).toFixed(1)} s
            {result.costUsd !== null ? ` for $${result.costUsd.toFixed(4)}` : ''}
            {result.tokens !== null ? ` (${result.tokens.toLocaleString('en-US')} tokens)` : ''}:
            <blockquote>{result.answer}</blockquote>
          </div>
        )}
        {result && !result.ok && result.error && (
          <div className="test-result bad">
            <strong>The test chat failed</strong> (HTTP {result.error.status}
            {result.error.code ? `, ${result.error.code}` : ''}): {result.error.message}
            {result.error.code && ADVICE[result.error.code] && <p>{ADVICE[result.error.code]}</p>}
          </div>
        )}
        {result?.sessionId && onOpenSession && (
          <p>
            <a
              href={`#session=${encodeURIComponent(result.sessionId)}`}
              onClick={(event) => {
                event.preventDefault();
                onOpenSession(result.sessionId!);
              }}
            >
              Open the test chat in Sessions
            </a>
          </p>
        )}
      </div>
      {failure && <p className="bad">{failure}</p>}
    </div>
  );
}

/** A run event as one line of progress; text and thinking are shown otherwise (or not at all). */
function describe(event: RunEvent): string | null {
  switch (event.type) {
    case 'started':
      return `Claude Code started (${event.model})`;
    case 'tool_use':
      return `▸ ${event.title}`;
    case 'tool_result':
      return `  ${event.title} — ${event.outcome}`;
    case 'retry':
      return `Provider error${event.httpStatus ? ` (HTTP ${event.httpStatus})` : ''}, retry ${event.attempt} of ${event.maxRetries}`;
    case 'result':
      return event.result.isError ? 'Claude Code ended with an error' : 'Claude Code finished';
    default:
      return null;
  }
}

/**
 * A permission prompt with its answers: in the Approvals inbox and inline in its session's
 * timeline. Every button says what it does to which tool, so it reads right to a screen reader
 * and can be reached with Tab alone.
 */
import { ShieldCheck } from 'lucide-react';
import { createContext, useContext, useEffect, useState } from 'react';
import { answeredAs, type ApprovalDecision, type ApprovalQuestion, type ApprovalView } from '../../../common/approval';
import type { ControlClient } from '../control-client';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { useToast } from '../ui/Toast';

/** The client the cards answer with; none: a card shows its state only. */
export const ApprovalClient = createContext<ControlClient | null>(null);

export function ApprovalCard({ approval }: { approval: ApprovalView }): React.JSX.Element {
  const client = useContext(ApprovalClient);
  const toast = useToast();
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pending = approval.status === 'pending';
  const tool = approval.tool;

  const answer = (decision: ApprovalDecision, answers?: Record<string, string>): void => {
    if (!client) return;
    setBusy(true);
    setError(null);
    client
      .invoke('approval:answer', approval.id, answers ? { decision, answers } : message.trim() ? { decision, message: message.trim() } : { decision })
      .then(
        () => toast.success(`${approval.tool} ${answeredAs(decision)}`, approval.summary),
        (e: Error) => {
          setError(e.message);
          toast.error(`The answer to ${approval.tool} was not taken`, e.message);
        },
      )
      .finally(() => setBusy(false));
  };

  return (
    <div className={`item approval ${approval.status}`} role="group" aria-label={`Approval: ${approval.summary}`}>
      <span className="label">{pending ? 'Claude Code asks' : 'Claude Code asked'}: {approval.summary}</span>
      {approval.outsideWorkspace && <span className="warning"> · outside the working folder</span>}
      <span className="meta"> · role {approval.role}</span>
      <pre className="approval-detail">{approval.detail}</pre>
      {pending ? (
        <>
          <Deadline at={approval.deadline} />
          {client && approval.questions && <QuestionAnswers questions={approval.questions} busy={busy} onAnswer={(answers) => answer('allow', answers)} />}
          {client && (
            <div className="approval-actions">
              {!approval.questions && (
                <>
                  <Button variant="primary" busy={busy} onClick={() => answer('allow')}>Allow {tool} once</Button>
                  <Button disabled={busy} onClick={() => answer('allow_chat')} title={approval.rule}>Always allow {approval.rule} in this chat</Button>
                  <Button disabled={busy} onClick={() => answer('allow_role')} title={`Adds ${approval.rule} to the role's allowed_tools`}>Always allow {approval.rule} for role {approval.role}</Button>
                </>
              )}
              {approval.projectRule && !approval.questions && (
                <Button disabled={busy} onClick={() => answer('allow_project')}>Always allow {approval.rule} in the project</Button>
              )}
              <input
                type="text"
                placeholder="Message to Claude Code (optional)"
                aria-label={`Message to Claude Code with the denial of ${tool}`}
                value={message}
                onChange={(e) => setMessage(e.target.value)}
              />
              <Button disabled={busy} variant="danger" onClick={() => answer('deny')}>Deny {tool}</Button>
              <Button disabled={busy} variant="danger" onClick={() => answer('stop')}>Deny {tool} and stop the turn</Button>
            </div>
          )}
        </>
      ) : (
        <span className="outcome" role="status">{outcomeText(approval)}</span>
      )}
      {error && <span className="inline-error" role="alert">{error}</span>}
    </div>
  );
}

/** Claude Code's questions (AskUserQuestion): one question is answered by a click on an option; several are picked, then sent. */
function QuestionAnswers({ questions, busy, onAnswer }: { questions: ApprovalQuestion[]; busy: boolean; onAnswer(answers: Record<string, string>): void }): React.JSX.Element {
  const [picked, setPicked] = useState<Record<string, string>>({});
  const single = questions.length === 1;
  const complete = questions.every((q) => picked[q.question]);
  return (
    <div className="approval-questions">
      {questions.map((q) => (
        <div key={q.question} role="group" aria-label={q.question}>
          <span className="label">{q.question}</span>
          {q.options.map((option) => (
            <button
              key={option}
              disabled={busy}
              aria-pressed={single ? undefined : picked[q.question] === option}
              aria-label={`Answer “${option}” to “${q.question}”`}
              onClick={() => (single ? onAnswer({ [q.question]: option }) : setPicked({ ...picked, [q.question]: option }))}
            >
              {option}
            </button>
          ))}
        </div>
      ))}
      {!single && (
        <button disabled={busy || !complete} onClick={() => onAnswer(picked)}>
          Send the answers
        </button>
      )}
    </div>
  );
}

function outcomeText(approval: ApprovalView): string {
  const answer = approval.answer;
  if (approval.status === 'withdrawn' || !answer) return 'No longer asked: the turn ended before anyone answered.';
  const at = new Date(answer.at).toLocaleTimeString();
  if (approval.status === 'timed_out') return `Denied at ${at}: no one answered in time.`;
  if (answer.answers) return `Answered from the ${answer.from} at ${at}: ${Object.values(answer.answers).join('; ')}`;
  return `${answeredAs(answer.decision)} from the ${answer.from} at ${at}${answer.message ? ` — “${answer.message}”` : ''}${answer.created ? ` · rule: ${answer.created}` : ''}`;
}

/** "Denied in 4:32 if nobody answers", counting down. */
function Deadline({ at }: { at: string }): React.JSX.Element {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((Date.parse(at) - now) / 1000));
  return <span className="meta deadline">Denied in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')} if nobody answers</span>;
}

/** The inbox: every prompt waiting for an answer, oldest first. */
export function ApprovalsView({ client, approvals }: { client: ControlClient; approvals: ApprovalView[] }): React.JSX.Element {
  return (
    <ApprovalClient.Provider value={client}>
      <main className="approvals">
        {approvals.length === 0 && (
          <EmptyState icon={<ShieldCheck size={24} />} title="Nothing is waiting for an answer.">
            When Claude Code asks before it acts, the question shows here.
          </EmptyState>
        )}
        <ul>
          {approvals.map((a) => (
            <li key={a.id}>
              <span className="meta">{a.sessionTitle} · asked {new Date(a.askedAt).toLocaleTimeString()}</span>
              <ApprovalCard approval={a} />
            </li>
          ))}
        </ul>
      </main>
    </ApprovalClient.Provider>
  );
}

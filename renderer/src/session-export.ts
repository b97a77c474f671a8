/**
 * A session as a Markdown document to keep or share: what was asked, what Claude Code did (each
 * tool call with its input and output), what it answered, and each turn's totals. Built from the
 * same timeline the panel shows, so it holds nothing the panel does not.
 */
import type { SessionSummary } from '../../common/control';
import { sessionFacts, turnTotals } from './format';
import type { TimelineItem, ToolItem } from './timeline';
import { answeredAs, type ApprovalView } from '../../common/approval';

export function sessionMarkdown(session: SessionSummary, items: TimelineItem[]): string {
  const header = [
    `# ${session.title}`,
    '',
    sessionFacts(session, `started ${session.createdAt}`),
  ];
  return `${[...header, ...items.flatMap((item) => ['', ...itemMarkdown(item)])].join('\n')}\n`;
}

/** A file name from the title: letters, digits and dashes. */
export function exportFileName(session: SessionSummary): string {
  const slug = session.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${slug || 'session'}.md`;
}

function itemMarkdown(item: TimelineItem): string[] {
  switch (item.kind) {
    case 'prompt':
      return [`## You${item.resumed ? ' (resumed session)' : ''}`, '', item.text, ...(item.images.length ? ['', `_${item.images.length} image(s) attached_`] : [])];
    case 'tool':
      return toolMarkdown(item);
    case 'thinking':
      return ['<details><summary>Thinking</summary>', '', item.text, '', '</details>'];
    case 'answer':
      return ['## Claude Code', '', item.text];
    case 'retry':
    case 'task':
      return [`> ${item.text}`];
    case 'approval':
      return approvalMarkdown(item.approval);
    case 'turn-end':
      return [`_${turnTotals(item)}_`];
  }
}

/** A call with its input and output; a Task's own calls follow it, quoted. */
function toolMarkdown(item: ToolItem): string[] {
  return [
    `**${item.title}**${item.outcome ? ` — ${item.outcome}` : ''}`,
    '',
    ...fenced(JSON.stringify(item.input, null, 2), 'json'),
    ...(item.output ? ['', ...fenced(item.output)] : []),
    ...(item.children ?? []).flatMap((child) => ['', ...toolMarkdown(child).map((line) => (line ? `> ${line}` : '>'))]),
  ];
}

/** What was asked, the answer, from where and when, and the rule it created. */
function approvalMarkdown(approval: ApprovalView): string[] {
  const answer = approval.answer;
  const how =
    approval.status === 'pending' ? 'waiting for an answer'
    : approval.status === 'withdrawn' || !answer ? 'withdrawn: the turn ended before anyone answered'
    : approval.status === 'timed_out' ? `denied at ${answer.at}: no one answered by the deadline`
    : `${answeredAs(answer.decision)} from the ${answer.from} at ${answer.at}`;
  return [
    `**Approval asked:** ${approval.summary}${approval.outsideWorkspace ? ' (outside the working folder)' : ''} — ${how}`,
    '',
    ...fenced(approval.detail),
    ...(answer?.message ? ['', `> Message to Claude Code: ${answer.message}`] : []),
    ...(answer?.created ? ['', `> Rule added: ${answer.created}`] : []),
  ];
}

/** A code block whose fence is longer than any run of backticks inside it. */
function fenced(text: string, language = ''): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, text, fence];
}

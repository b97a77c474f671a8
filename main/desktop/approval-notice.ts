/**
 * The desktop's side of approvals, as plain data: the notification a new prompt raises (unless
 * the panel is in front, where it already shows), and the tray's line with the count. Clicking
 * either opens the window on the Approvals view.
 */
import type { ApprovalView } from '../../common/approval';

export interface Notice {
  title: string;
  body: string;
  /** The approval the click opens. */
  approvalId: string;
}

/** A notification for a prompt just added; null when the window is in front (the panel shows it) or it is not pending. */
export function approvalNotice(approval: ApprovalView, windowInFront: boolean): Notice | null {
  if (approval.status !== 'pending' || windowInFront) return null;
  const seconds = Math.max(0, Math.round((Date.parse(approval.deadline) - Date.parse(approval.askedAt)) / 1000));
  const wait = seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  return {
    title: `Claude Code asks to use ${approval.tool}`,
    body: `${approval.summary}${approval.outsideWorkspace ? ' — outside the working folder' : ''}\nDenied in ${wait} if nobody answers. Click to answer.`,
    approvalId: approval.id,
  };
}

/** The tray's line: "2 approvals waiting" (null with none). */
export function approvalsTrayLabel(pending: number): string | null {
  if (pending <= 0) return null;
  return `${pending} approval${pending === 1 ? '' : 's'} waiting — answer…`;
}

/**
 * The lines Helix writes to a warm Claude Code process besides user turns: its own control
 * requests (interrupt, set_model, …) and its answers to the CLI's requests. A permission prompt
 * (`can_use_tool`) nobody is asked about (the role's approvals: deny) is refused at once, with a
 * message the model reads in place of the tool's result; other requests are refused as
 * unsupported.
 */
import type { PermissionRequest } from '../approvals/approval-service';
import { readFileSync } from 'node:fs';
import type { CliEvent } from './stream-json';

export function controlRequestLine(requestId: string, request: Record<string, unknown>): string {
  return `${JSON.stringify({ type: 'control_request', request_id: requestId, request })}\n`;
}

/** The message a refused permission prompt gives the model, in place of the tool's result. */
export function refusalMessage(request: Record<string, unknown>): string {
  const tool = typeof request.display_name === 'string' ? request.display_name : typeof request.tool_name === 'string' ? request.tool_name : 'a tool';
  const what = typeof request.description === 'string' && request.description ? ` (${request.description})` : '';
  return `Claude requested permissions to use ${tool}${what}, but you haven't granted it yet. This role does not ask for approvals (approvals: deny): its permission_mode and allowed_tools decide what may run.`;
}

/** A `can_use_tool` request's fields the approvals need. */
export function permissionRequest(request: Record<string, unknown>): PermissionRequest {
  return {
    toolName: str(request.tool_name) || str(request.display_name),
    input: obj(request.input),
    suggestions: Array.isArray(request.permission_suggestions) ? request.permission_suggestions : [],
    blockedPath: str(request.blocked_path) || undefined,
  };
}

/** The answer to a permission prompt (allow, with the input to run and rules to add; or deny, with the model's message). */
export function permissionResponseLine(requestId: string, result: Record<string, unknown> | object): string {
  return `${JSON.stringify({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response: result } })}\n`;
}

/** The `control_response` line answering one of the CLI's `control_request`s. */
export function answerFor(event: CliEvent): string {
  const request = obj(event.request);
  const id = str(event.request_id);
  const response =
    request.subtype === 'can_use_tool'
      ? { subtype: 'success', request_id: id, response: { behavior: 'deny', message: refusalMessage(request) } }
      : { subtype: 'error', request_id: id, error: `Helix does not handle ${String(request.subtype)} requests` };
  return `${JSON.stringify({ type: 'control_response', response })}\n`;
}

export function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A process's resident memory in bytes (Linux /proc), for the panel; undefined elsewhere or when gone. */
export function residentBytes(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A turn's permission prompts (`can_use_tool`) while they wait for an answer: each goes to the
 * turn's `ask` (the approvals) and its answer is written when that resolves, unless the prompt
 * was withdrawn meanwhile (the CLI cancelled it, the turn ended, the process went): then nobody
 * answers a question that is no longer asked.
 */
import type { PermissionRequest, PermissionResult } from '../approvals/approval-service';
import { permissionRequest, permissionResponseLine } from './control-protocol';

export type AskPermission = (request: PermissionRequest, signal: AbortSignal) => Promise<PermissionResult>;

export class PermissionPrompts {
  private readonly waiting = new Map<string, AbortController>();

  constructor(
    private readonly ask: AskPermission,
    private readonly io: {
      write(line: string): void;
      /** The process can still take an answer. */
      alive(): boolean;
      /** The answer stops the turn (deny with interrupt). */
      stopping(): void;
    },
  ) {}

  prompt(requestId: string, request: Record<string, unknown>): void {
    const controller = new AbortController();
    this.waiting.set(requestId, controller);
    this.ask(permissionRequest(request), controller.signal)
      .catch((error: unknown): PermissionResult => ({ behavior: 'deny', message: `Helix could not ask for approval: ${(error as Error).message}` }))
      .then((result) => {
        this.waiting.delete(requestId);
        if (controller.signal.aborted || !this.io.alive()) return;
        if (result.behavior === 'deny' && result.interrupt) this.io.stopping();
        this.io.write(permissionResponseLine(requestId, result));
      });
  }

  /** The CLI withdrew this prompt (`control_cancel_request`). */
  withdraw(requestId: string): void {
    this.waiting.get(requestId)?.abort();
  }

  /** The turn is over: every prompt still waiting is withdrawn. */
  withdrawAll(): void {
    for (const controller of this.waiting.values()) controller.abort();
  }
}

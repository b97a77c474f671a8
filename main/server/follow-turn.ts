/**
 * What both chat APIs do with a turn and a request: read a header, name the chat, and follow a
 * turn's events until it finishes or the client leaves.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TurnEvent, TurnHandle } from '../turns/turn-handle';

/** A request header's first value, trimmed; undefined when absent or blank. */
export function requestHeader(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  return first || undefined;
}

/** The chat a request belongs to, as Helix's own header or Open WebUI's forwarded one names it. */
export function chatIdOf(req: FastifyRequest): string | undefined {
  return requestHeader(req, 'x-helix-chat-id') ?? requestHeader(req, 'x-openwebui-chat-id');
}

/** Follows a turn until it finishes or the client leaves; `leave` decides what leaving means. */
export function followTurn(reply: FastifyReply, handle: TurnHandle, leave: () => void, onEvent: (event: TurnEvent) => void): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe = (): void => undefined;
    let done = false;
    unsubscribe = handle.subscribe((event) => {
      if (done) return;
      onEvent(event);
      // Handed off: the response ends with the question; the turn goes on for the chat's next message.
      if (event.type === 'finished' || event.type === 'handoff') {
        done = true;
        if (event.type === 'handoff') queueMicrotask(() => unsubscribe());
        resolve();
      }
    });
    reply.raw.on('close', () => {
      if (reply.raw.writableEnded) return;
      unsubscribe();
      if (handle.detached) leave();
      resolve();
    });
  });
}

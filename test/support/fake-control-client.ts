/**
 * A control client for component tests: commands answered by a handler, events pushed by the
 * test with `emit` — as the control service pushes them over the event stream.
 */
import type { ControlEvent } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';

export interface FakeClient extends ControlClient {
  calls: Array<{ command: string; args: unknown[] }>;
  emit(event: ControlEvent): void;
}

export function fakeClient(answer: (command: string, ...args: unknown[]) => unknown): FakeClient {
  const listeners = new Set<(event: ControlEvent) => void>();
  const calls: FakeClient['calls'] = [];
  return {
    calls,
    invoke: ((command: string, ...args: unknown[]) => {
      calls.push({ command, args });
      try {
        return Promise.resolve(answer(command, ...args));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }) as ControlClient['invoke'],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of [...listeners]) listener(event);
    },
  };
}

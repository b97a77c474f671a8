// @vitest-environment jsdom
/**
 * The browser's control client: a command sent while the event stream is opening waits for it,
 * so what the command reads and the events that follow leave no gap (a run started in between
 * would otherwise never show as running); a stream that cannot open holds commands back only
 * a bounded time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { controlClient, STREAM_OPEN_WAIT_MS } from '../../renderer/src/control-client';

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  close(): void {
    this.closed = true;
  }
}

let fetched: string[];

beforeEach(() => {
  fetched = [];
  FakeEventSource.last = null;
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url);
    return { json: async () => ({ ok: true, data: { sessions: [], total: 0, offset: 0 } }) };
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the HTTP control client', () => {
  it('sends a command only once the event stream it subscribed to is open', async () => {
    const client = controlClient();
    const heard: string[] = [];
    client.subscribe((event) => heard.push(event.type));
    const listed = client.invoke('sessions:list', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetched).toEqual([]);
    FakeEventSource.last!.onopen!();
    await listed;
    expect(fetched).toEqual(['/control/sessions:list']);
    FakeEventSource.last!.onmessage!({ data: JSON.stringify({ type: 'state-changed' }) });
    expect(heard).toEqual(['state-changed']);
  });

  it('sends at once with no subscriber, and after a bounded wait when the stream never opens', async () => {
    await controlClient().invoke('sessions:list', {});
    expect(fetched).toHaveLength(1);
    vi.useFakeTimers();
    const client = controlClient();
    client.subscribe(() => undefined);
    const listed = client.invoke('sessions:list', {});
    await vi.advanceTimersByTimeAsync(STREAM_OPEN_WAIT_MS - 1);
    expect(fetched).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await listed;
    expect(fetched).toHaveLength(2);
  });

  it('tells its subscribers when the stream opens again after a break, so that they ask for what they missed', () => {
    const client = controlClient();
    const heard: string[] = [];
    client.subscribe((event) => heard.push(event.type));
    FakeEventSource.last!.onopen!();
    expect(heard).toEqual([]);
    // The browser reopens a stream that broke (the server restarted, the network dropped).
    FakeEventSource.last!.onopen!();
    FakeEventSource.last!.onmessage!({ data: JSON.stringify({ type: 'state-changed' }) });
    expect(heard).toEqual(['reconnected', 'state-changed']);
  });
});

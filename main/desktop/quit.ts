/**
 * Quitting gracefully: the first quit request is held while the core closes (runs cancelled,
 * child processes gone, logs flushed, ports released), then the app exits; a close that hangs is
 * cut off after a limit, and a second quit request while closing changes nothing.
 */

interface QuitEvent {
  preventDefault(): void;
}

export function gracefulQuit(close: () => Promise<void>, exit: () => void, limitMs = 5000): (event: QuitEvent) => void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    const limit = new Promise<void>((resolve) => setTimeout(resolve, limitMs).unref());
    void Promise.race([close().catch(() => undefined), limit]).then(() => {
      state = 'closed';
      exit();
    });
  };
}

/** Whether a finished turn deserves a desktop notification: a long one, or a failure, while the window is not in view. */
export function shouldNotify(status: string, durationMs: number, windowVisible: boolean, longRunMs = 30_000): boolean {
  if (windowVisible) return false;
  return status === 'failed' || (status === 'done' && durationMs >= longRunMs);
}

/**
 * Splits the CLI's stdout into lines and parses each as JSON.
 * Chunks arrive cut anywhere (mid-line, mid-UTF-8 sequence); lines that are not JSON objects
 * (warnings, noise) are reported as such instead of breaking the stream.
 */

export type ParsedLine =
  | { kind: 'event'; event: CliEvent }
  | { kind: 'noise'; line: string };

/** One stream-json object. Key order is not stable, so only fields are trusted. */
export type CliEvent = { type: string; [key: string]: unknown };

export class StreamJsonParser {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';

  /** Feeds a chunk of stdout; returns every line completed by it. */
  push(chunk: Uint8Array | string): ParsedLine[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.flatMap(parseLine);
  }

  /** Flushes what is left when stdout ends (a last line without its newline). */
  end(): ParsedLine[] {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    return parseLine(rest);
  }
}

function parseLine(raw: string): ParsedLine[] {
  const line = raw.trim();
  if (line === '') return [];
  if (line.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(line);
      if (isEvent(value)) return [{ kind: 'event', event: value }];
    } catch {
      // not JSON after all: reported as noise below
    }
  }
  return [{ kind: 'noise', line }];
}

function isEvent(value: unknown): value is CliEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

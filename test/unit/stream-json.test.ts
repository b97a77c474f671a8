import { describe, expect, it } from 'vitest';
import { StreamJsonParser, type ParsedLine } from '../../main/runner/stream-json';
import { claudeFixture } from '../support/fixtures';

const events = (lines: ParsedLine[]): string[] => lines.flatMap((l) => (l.kind === 'event' ? [l.event.type] : []));

function feedInPieces(text: string, sizes: number[]): ParsedLine[] {
  const parser = new StreamJsonParser();
  const bytes = new TextEncoder().encode(text);
  const out: ParsedLine[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    out.push(...parser.push(bytes.subarray(at, at + size)));
    at += size;
  }
  return [...out, ...parser.end()];
}

describe('StreamJsonParser on real CLI output', () => {
  const tools = claudeFixture('tools');
  const whole = new StreamJsonParser().push(tools);

  it('parses every line of a tool run, ending with the result', () => {
    expect(whole.every((l) => l.kind === 'event')).toBe(true);
    expect(whole).toHaveLength(tools.trim().split('\n').length);
    expect(events(whole)[0]).toBe('system');
    expect(events(whole).at(-1)).toBe('result');
  });

  it('gives the same events however the bytes are cut, even inside UTF-8 sequences', () => {
    for (const sizes of [[1], [7, 3], [64], [4096], [13, 1, 200]]) {
      expect(feedInPieces(tools, sizes)).toEqual(whole);
    }
    const multiByte = '{"type":"assistant","text":"naïve — 日本語 🚀"}\n';
    expect(feedInPieces(multiByte, [1])).toEqual(new StreamJsonParser().push(multiByte));
  });

  it('reports non-JSON noise and non-event JSON without losing the events around it', () => {
    const noisy = `Warning: something odd\n${claudeFixture('text')}[1,2]\n{"no_type":true}\n{broken json\n`;
    const parsed = new StreamJsonParser().push(noisy);
    const noise = parsed.filter((l) => l.kind === 'noise').map((l) => (l.kind === 'noise' ? l.line : ''));
    expect(noise).toEqual(['Warning: something odd', '[1,2]', '{"no_type":true}', '{broken json']);
    expect(events(parsed).at(-1)).toBe('result');
  });

  it('keeps a last line that has no newline until the stream ends', () => {
    const parser = new StreamJsonParser();
    expect(parser.push('{"type":"result","is_error":false}')).toEqual([]);
    expect(events(parser.end())).toEqual(['result']);
  });

  it('passes unknown event types through for the mapper to ignore', () => {
    expect(events(new StreamJsonParser().push('{"type":"rate_limit_event","x":1}\n'))).toEqual(['rate_limit_event']);
  });
});

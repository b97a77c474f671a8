import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '../../renderer/src/ansi';

const ESC = '\x1b';

describe('ANSI output', () => {
  it('plain text is one unstyled run', () => {
    expect(parseAnsi('hello\nworld')).toEqual([{ text: 'hello\nworld', classes: [] }]);
    expect(parseAnsi('')).toEqual([]);
  });

  it('maps SGR colours and emphasis to classes, and resets them', () => {
    expect(parseAnsi(`${ESC}[32mPASS${ESC}[0m a.test.ts ${ESC}[1;31mFAIL${ESC}[22m still red${ESC}[39m plain`)).toEqual([
      { text: 'PASS', classes: ['ansi-fg-green'] },
      { text: ' a.test.ts ', classes: [] },
      { text: 'FAIL', classes: ['ansi-fg-red', 'ansi-bold'] },
      { text: ' still red', classes: ['ansi-fg-red'] },
      { text: ' plain', classes: [] },
    ]);
  });

  it('reads bright, background, 256-colour and `ESC[m` resets; true colour is dropped, not misread', () => {
    expect(parseAnsi(`${ESC}[93;41mwarn${ESC}[m`)).toEqual([{ text: 'warn', classes: ['ansi-fg-bright-yellow', 'ansi-bg-red'] }]);
    expect(parseAnsi(`${ESC}[38;5;4mblue${ESC}[38;5;10mbright${ESC}[38;5;200mother`)).toEqual([
      { text: 'blue', classes: ['ansi-fg-blue'] },
      { text: 'bright', classes: ['ansi-fg-bright-green'] },
      { text: 'other', classes: [] },
    ]);
    // 38;2;r;g;b takes four parameters: the 1 (bold) after them is still read.
    expect(parseAnsi(`${ESC}[38;2;255;0;0;1mrgb`)).toEqual([{ text: 'rgb', classes: ['ansi-bold'] }]);
    expect(parseAnsi(`${ESC}[38:5:1mcolon`)).toEqual([{ text: 'colon', classes: ['ansi-fg-red'] }]);
  });

  it('removes every other escape sequence: cursor moves, erase, titles, hyperlinks, a cut-off one at the end', () => {
    const noisy = `${ESC}[2K${ESC}[1Gstep 1${ESC}[?25l ${ESC}]0;title${'\x07'}${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\ done${ESC}(B${ESC}`;
    expect(stripAnsi(noisy)).toBe('step 1 link done');
    expect(parseAnsi(noisy).every((run) => run.classes.length === 0)).toBe(true);
  });

  it('keeps markup as text: output is never HTML', () => {
    expect(parseAnsi(`${ESC}[31m<img src=x onerror=alert(1)>`)).toEqual([{ text: '<img src=x onerror=alert(1)>', classes: ['ansi-fg-red'] }]);
  });
});

import { describe, expect, it } from 'vitest';
import { escapeText } from '../../../src/cli/escape-text.js';
import { table } from '../../../src/cli/format-table.js';

describe('escapeText', () => {
  it('renders terminal controls, DEL and C1 as visible escapes', () => {
    expect(escapeText('a\u001b[2J\u001b]0;pwned\u0007b')).toBe('a\\x1b[2J\\x1b]0;pwned\\x07b');
    expect(escapeText('x\u007fy\u009bz\u0000')).toBe('x\\x7fy\\x9bz\\x00');
    expect(escapeText('one\ntwo\r\tthree')).toBe('one\\ntwo\\r\\tthree');
  });

  it('renders bidi overrides, isolates and zero-width characters as \\u escapes', () => {
    expect(escapeText('ok \u202egnp.exe\u202c')).toBe('ok \\u202egnp.exe\\u202c');
    expect(escapeText('\u2066a\u2069\u200b\ufeff')).toBe('\\u2066a\\u2069\\u200b\\ufeff');
  });

  it('leaves ordinary text, accents and arrows alone', () => {
    const text = 'promoted → 25 % by José (ticket #42) 日本';
    expect(escapeText(text)).toBe(text);
  });
});

describe('table', () => {
  it('escapes every cell, so stored text cannot add lines or send ESC', () => {
    const out = table([
      ['A', 'REASON'],
      ['1', 'fine\n2  forged row\u001b[31m'],
    ]);
    expect(out).toBe('A  REASON\n1  fine\\n2  forged row\\x1b[31m');
    expect(out).not.toContain('\u001b');
  });
});

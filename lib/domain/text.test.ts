import { describe, expect, it } from 'vitest';
import { freeText, hasControlCharacter } from './text.js';

describe('free text', () => {
  it.each([
    ['NUL', 'Basis\u0000tarief'],
    ['ESC (a terminal escape)', '\u001b[31mrood'],
    ['tab', 'a\tb'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085b'],
    ['a right-to-left override', 'fee\u202egnp.exe'],
    ['an isolate', '\u2066x\u2069'],
    ['a line feed where no lines are allowed', 'one\ntwo'],
  ])('refuses %s', (_name, value) => {
    expect(hasControlCharacter(value)).toBe(true);
    const result = freeText(100).safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/control characters/);
  });

  it('takes accents, emoji and line feeds where lines are allowed, trimmed', () => {
    expect(freeText(100).parse('  Café Zürich — 🎟️ ')).toBe('Café Zürich — 🎟️');
    expect(freeText(100, { lines: true }).parse('Kies eerst het basistarief.\nDan je UiTPAS.')).toContain(
      '\n',
    );
    expect(freeText(100, { lines: true }).safeParse('a\r\nb').success).toBe(false);
  });

  it('refuses a lone surrogate, and text of nothing but invisible characters', () => {
    expect(freeText(100).safeParse('a\ud800b').error?.issues[0]?.message).toMatch(/well-formed Unicode/);
    expect(freeText(100).safeParse('\u200b\u00ad').error?.issues[0]?.message).toMatch(/visible character/);
    expect(freeText(100).parse('Zoë\u200d 🎭')).toBe('Zoë\u200d 🎭');
  });

  it('refuses empty and overlong text', () => {
    expect(freeText(5).safeParse('   ').success).toBe(false);
    expect(freeText(5).safeParse('123456').success).toBe(false);
  });
});

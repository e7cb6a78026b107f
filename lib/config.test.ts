import { describe, expect, it } from 'vitest';
import { loadConfig, parseHttpConfig } from './config.js';

describe('the HTTP settings', () => {
  it('defaults to a one-second answer margin', () => {
    expect(parseHttpConfig({})).toEqual({ answerMarginMs: 1000 });
  });

  it('reads the answer margin', () => {
    expect(parseHttpConfig({ ANSWER_MARGIN_MS: '2500' })).toEqual({ answerMarginMs: 2500 });
  });

  it.each(['0', '-5', 'soon', '1.5'])('refuses an answer margin of %j, naming the key', (value) => {
    expect(() => loadConfig(['http'], { ANSWER_MARGIN_MS: value })).toThrow(/ANSWER_MARGIN_MS/);
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig, parseHttpConfig } from './config.js';

describe('the HTTP settings', () => {
  it('defaults to any origin and a one-second answer margin', () => {
    expect(parseHttpConfig({})).toEqual({ corsOrigins: ['*'], answerMarginMs: 1000 });
  });

  it('reads the origins and the answer margin', () => {
    expect(
      parseHttpConfig({ CORS_ALLOWED_ORIGINS: ' https://a.be, ,https://b.be', ANSWER_MARGIN_MS: '2500' }),
    ).toEqual({
      corsOrigins: ['https://a.be', 'https://b.be'],
      answerMarginMs: 2500,
    });
  });

  it.each(['0', '-5', 'soon', '1.5'])('refuses an answer margin of %j, naming the key', (value) => {
    expect(() => loadConfig(['http'], { ANSWER_MARGIN_MS: value })).toThrow(/ANSWER_MARGIN_MS/);
  });
});

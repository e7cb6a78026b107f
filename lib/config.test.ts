import { describe, expect, it } from 'vitest';
import { loadConfig, parseHttpConfig, parseTicketSalesConfig } from './config.js';

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

describe('the price-drift setting', () => {
  const sandbox = { PUBLIQ_ENV: 'sandbox' };

  it('refuses a drift unless told otherwise, also when serverless.yml passes it empty', () => {
    expect(parseTicketSalesConfig(sandbox).priceDrift).toBe('refuse');
    expect(parseTicketSalesConfig({ ...sandbox, PRICE_DRIFT: '' }).priceDrift).toBe('refuse');
  });

  it.each(['refuse', 'flag'])('reads %s', (value) => {
    expect(parseTicketSalesConfig({ ...sandbox, PRICE_DRIFT: value }).priceDrift).toBe(value);
  });

  it.each(['warn', 'FLAG', 'accept'])('refuses %j, naming the key', (value) => {
    expect(() => loadConfig(['ticketSales'], { ...sandbox, PRICE_DRIFT: value })).toThrow(/PRICE_DRIFT/);
  });
});

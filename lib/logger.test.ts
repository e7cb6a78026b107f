import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamUnavailable } from './domain/errors.js';
import { createLogger, maskUitpasNumber, redact, redactString } from './logger.js';

type LogLine = Record<string, unknown>;

/** What the logger writes, one parsed JSON object per line; Powertools writes to stdout and stderr directly. */
function captureLogLines(): () => LogLine[] {
  const written: string[] = [];
  const keep = (chunk: string | Uint8Array): boolean => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  return () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
}

function logOnce(write: (log: ReturnType<typeof createLogger>) => void): LogLine {
  const log = createLogger({ logLevel: 'DEBUG', serviceName: 'logger-test' });
  const lines = captureLogLines();
  write(log);
  const [line, ...rest] = lines();
  expect(rest).toEqual([]);
  if (!line) throw new Error('the logger wrote nothing');
  return line;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('logged errors', () => {
  const socketError = () => Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  const unavailable = () =>
    new UpstreamUnavailable('uitpas', 'timeout', true, {
      status: 504,
      detail: 'POST /ticket-sales: no complete answer within 3000 ms',
      cause: new TypeError('fetch failed', { cause: socketError() }),
    });

  it('keeps status, reason, mayHaveApplied and the whole cause chain of an error passed as extra input', () => {
    const line = logOnce((log) => log.error('registration failed', unavailable()));

    expect(line.error).toMatchObject({
      name: 'UpstreamUnavailable',
      status: 504,
      reason: 'timeout',
      mayHaveApplied: true,
      service: 'uitpas',
      cause: {
        name: 'TypeError',
        message: 'fetch failed',
        cause: { name: 'Error', message: 'other side closed', code: 'UND_ERR_SOCKET' },
      },
    });
    expect((line.error as LogLine).stack).toEqual(expect.stringContaining('UpstreamUnavailable'));
  });

  it('keeps the fields of errors nested anywhere in the attributes', () => {
    const line = logOnce((log) => log.warn('sweep step failed', { attempts: [{ error: unavailable() }] }));

    expect(line.attempts).toMatchObject([
      { error: { status: 504, reason: 'timeout', mayHaveApplied: true, cause: { message: 'fetch failed' } } },
    ]);
  });

  it('stops at a cause that points back into its own chain', () => {
    const looping = new Error('outer');
    looping.cause = new Error('inner', { cause: looping });

    const line = logOnce((log) => log.error('looped', looping));

    expect(line.error).toMatchObject({
      message: 'outer',
      cause: { message: 'inner', cause: { message: '[circular cause]' } },
    });
  });

  it('keeps the errors an AggregateError collected', () => {
    const line = logOnce((log) =>
      log.error('all failed', new AggregateError([unavailable()], 'none answered')),
    );

    expect(line.error).toMatchObject({ errors: [{ status: 504, reason: 'timeout' }] });
  });

  it('masks pass numbers and redacts secrets inside an error', () => {
    const error = Object.assign(new Error('pass 0900000095902 refused'), { authorization: 'Bearer abc' });

    const line = logOnce((log) => log.error('refused', error));

    expect(line.error).toMatchObject({ message: 'pass 0900******902 refused', authorization: '[redacted]' });
    expect(JSON.stringify(line)).not.toContain('0900000095902');
  });
});

describe('masking of pass identifiers', () => {
  it('leaves epoch milliseconds alone, as numbers and as strings', () => {
    const line = logOnce((log) =>
      log.info('token valid until 1767225600000', {
        expiresAt: 1767225600000,
        expiresAtText: '1767225600000',
        nested: { deadlines: ['claim expires 1767229200123'] },
      }),
    );

    expect(line).toMatchObject({
      message: 'token valid until 1767225600000',
      expiresAt: 1767225600000,
      expiresAtText: '1767225600000',
      nested: { deadlines: ['claim expires 1767229200123'] },
    });
  });

  it('leaves ISO dates, prices, counts and other numbers alone', () => {
    const attributes = {
      at: '2026-12-02T18:49:36.049Z',
      price: 12.5,
      priceText: '€ 12.50',
      count: 1234567890123,
      remaining: 50,
    };

    const line = logOnce((log) => log.info('tariffs', attributes));

    expect(line).toMatchObject(attributes);
  });

  it('masks a UiTPAS number in the message and in a nested string', () => {
    const line = logOnce((log) =>
      log.info('tariffs for 0900000067513', { request: { path: '/tariffs?uitpasNumber=1000000520006' } }),
    );

    expect(line.message).toBe('tariffs for 0900******513');
    expect(line.request).toEqual({ path: '/tariffs?uitpasNumber=1000******006' });
  });

  it('masks chip numbers', () => {
    const line = logOnce((log) => log.info('scanned 04784CDAEE3880', { scans: ['chip 04363cdaee3880'] }));

    expect(line.message).toBe('scanned 0478*******880');
    expect(line.scans).toEqual(['chip 0436*******880']);
  });

  it('masks values under pass-identifier keys whatever their shape', () => {
    const line = logOnce((log) =>
      log.info('lookup', {
        uitpasNumber: '12345',
        identifier: '83030201540',
        chipNumber: '04784CDAEE3880',
        insz: 83030201540,
        registration_uitpas_number: '0900000031618',
      }),
    );

    expect(line).toMatchObject({
      uitpasNumber: '*****',
      identifier: '8303****540',
      chipNumber: '0478*******880',
      insz: '8303****540',
      registration_uitpas_number: '0900******618',
    });
  });

  it('redacts secret-named keys', () => {
    const line = logOnce((log) =>
      log.info('calling upstream', {
        headers: { Authorization: 'Bearer eyJabc', 'x-api-key': 'k-123' },
        clientSecret: 's3cr3t',
        access_token: 'tok',
      }),
    );

    expect(line).toMatchObject({
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' },
      clientSecret: '[redacted]',
      access_token: '[redacted]',
    });
  });
});

describe('redact', () => {
  it('serialises a nested error with its fields and masks it, without a logger', () => {
    const error = Object.assign(new Error('no pass 0900000095902'), { status: 404 });

    expect(redact({ list: [error] })).toMatchObject({
      list: [{ name: 'Error', message: 'no pass 0900******902', status: 404 }],
    });
  });

  it('bounds a cyclic structure', () => {
    const node: Record<string, unknown> = { name: 'node' };
    node.self = node;

    expect(redact(node)).toEqual({ name: 'node', self: '[circular]' });
  });
});

describe('maskUitpasNumber and redactString', () => {
  it('keeps the first four and last three characters', () => {
    expect(maskUitpasNumber('0900000067513')).toBe('0900******513');
  });

  it('masks the 13-digit runs that cannot be a timestamp of this service', () => {
    expect(redactString('0900000095902 1767225600000 5767225600000')).toBe(
      '0900******902 1767225600000 5767******000',
    );
  });

  it('masks an INSZ in free text, and leaves 11 digits that are not one', () => {
    expect(redactString('no pass for 36051380284 or 20010170215; request 36051380285')).toBe(
      'no pass for 3605****284 or 2001****215; request 36051380285',
    );
  });
});

describe('log line keys', () => {
  it('carries the Lambda context when the handler uses injectLambdaContext', async () => {
    const log = createLogger({ logLevel: 'INFO' });
    const handler = middy(async () => {
      log.info('inside the handler');
      return 'done';
    }).use(injectLambdaContext(log));
    const context = {
      functionName: 'uitpas-ticketing-dev-validatePass',
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:validatePass',
      memoryLimitInMB: '256',
      functionVersion: '$LATEST',
      getRemainingTimeInMillis: () => 3000,
    } as unknown as Context;
    const lines = captureLogLines();

    await handler({}, context);

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'inside the handler',
        function_name: 'uitpas-ticketing-dev-validatePass',
        function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
        cold_start: expect.any(Boolean),
      }),
    ]);
  });

  it('takes the service name from POWERTOOLS_SERVICE_NAME', () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'uitpas-ticketing-from-env');
    const log = createLogger({ logLevel: 'INFO' });
    const lines = captureLogLines();

    log.info('hello');

    expect(lines()).toEqual([
      expect.objectContaining({ service: 'uitpas-ticketing-from-env', level: 'INFO', message: 'hello' }),
    ]);
    expect(lines()[0]).toHaveProperty('timestamp', expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
  });
});

import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test-support/upstream-test-server.js';
import { createSsmReader, SsmError } from './ssm.js';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  sessionToken: 'session',
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const reader = () =>
  createSsmReader({ region: 'eu-west-1', endpoint: server.url, credentials, timeoutMs: 500 });

/** SigV4 recomputed from what arrived (RFC-style, by hand): the request we sent is the request we signed. */
function expectedSignature(request: {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}) {
  const auth = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const scope = /Credential=AKIDEXAMPLE\/([^,]+)/.exec(auth)?.[1] ?? '';
  const [date = '', region = '', service = ''] = scope.split('/');
  const amzDate = String(request.headers['x-amz-date']);
  const canonical = [
    'POST',
    '/',
    '',
    ...signedHeaders.map((name) => `${name}:${String(request.headers[name]).trim()}`),
    '',
    signedHeaders.join(';'),
    createHash('sha256').update(request.body).digest('hex'),
  ].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac('AWS4secret', date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('SSM GetParameter', () => {
  it('reads a SecureString decrypted, with a request signed for ssm in the region', async () => {
    server.on('POST /', {
      json: { Parameter: { Name: '/x/secret', Type: 'SecureString', Value: 's3cr3t' } },
    });

    expect(await reader()('/x/secret')).toBe('s3cr3t');

    const [request] = server.requests;
    expect(request?.headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request?.headers['x-amz-security-token']).toBe('session');
    expect(JSON.parse(request?.body ?? '')).toEqual({ Name: '/x/secret', WithDecryption: true });
    const auth = String(request?.headers.authorization);
    expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request, /);
    expect(auth).toMatch(/SignedHeaders=[^,]*host[^,]*x-amz-target/);
    expect(auth.split('Signature=')[1]).toBe(expectedSignature(request as never));
  });

  it('names what SSM refused, and does not ask again for a parameter that is not there', async () => {
    server.on('POST /', {
      status: 400,
      json: { __type: 'com.amazonaws.ssm#ParameterNotFound', message: 'nope' },
    });

    const error = await reader()('/x/missing').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SsmError);
    expect(error).toMatchObject({ code: 'ParameterNotFound', status: 400 });
    expect((error as Error).message).toMatch(/\/x\/missing: ParameterNotFound \(nope\)/);
    expect(server.count('POST /')).toBe(1);
  });

  it('asks once more after a throttle, a 5xx or no answer', async () => {
    server.on('POST /', [
      { status: 400, json: { __type: 'ThrottlingException' } },
      { json: { Parameter: { Value: 'after-throttle' } } },
    ]);
    expect(await reader()('/x/a')).toBe('after-throttle');
    server.reset();
    server.on('POST /', [{ hang: true }, { json: { Parameter: { Value: 'after-timeout' } } }]);
    expect(await reader()('/x/b')).toBe('after-timeout');
    server.reset();
    server.on('POST /', { status: 500, json: {} });
    await expect(reader()('/x/c')).rejects.toMatchObject({ code: 'Http500' });
    expect(server.count('POST /')).toBe(2);
  });
});

import { readFileSync } from 'node:fs';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKeyRepository } from '../lib/adapters/dynamodb/api-keys.js';
import { generateApiKey, hashApiKey } from '../lib/domain/api-key.js';
import { run } from '../lib/handlers/authorize.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../local/dynamo.js';
import { lambdaContext } from '../test-support/api-event.js';

let dynamo: LocalDynamo;
let keys: ReturnType<typeof createApiKeyRepository>;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const table = await createLocalTable(dynamo.endpoint, 'authorize-test');
  keys = createApiKeyRepository(table);
});
afterAll(() => dynamo.close());

async function newKey(role: 'basket' | 'admin', organisations: string[]) {
  const key = generateApiKey();
  await keys.put({
    hash: hashApiKey(key),
    clientName: `client-${role}`,
    role,
    organisations,
    createdAt: new Date().toISOString(),
  });
  return key;
}

describe('authorize', () => {
  it('resolves a stored key to its client, role and organisations', async () => {
    const key = await newKey('basket', ['ORG1', 'ORG2']);
    await expect(run(key, { keys })).resolves.toEqual({
      keyId: hashApiKey(key).slice(0, 12),
      clientName: 'client-basket',
      role: 'basket',
      organisations: ['ORG1', 'ORG2'],
    });
  });

  it('finds no principal for a missing or unknown key', async () => {
    await expect(run(undefined, { keys })).resolves.toBeUndefined();
    await expect(run('utk_not-a-key', { keys })).resolves.toBeUndefined();
  });

  it('stores only the hash of a key, never the key', async () => {
    const key = await newKey('admin', ['ORG1']);
    await expect(keys.findPrincipal(key)).resolves.toBeUndefined();
    await expect(keys.findPrincipal(hashApiKey(key))).resolves.toMatchObject({ role: 'admin' });
  });

  it('refuses to store the same key twice', async () => {
    const record = {
      hash: hashApiKey('same'),
      clientName: 'x',
      role: 'basket' as const,
      organisations: [],
      createdAt: 'now',
    };
    await keys.put(record);
    await expect(keys.put(record)).rejects.toMatchObject({ status: 409 });
  });

  it('reads a key once per cache lifetime in a warm container', async () => {
    const key = await newKey('basket', ['ORG1']);
    const spy = vi.spyOn(keys, 'findPrincipal');
    let now = 1_000;
    const deps = { keys, cache: new Map(), now: () => now };
    await run(key, deps);
    await run(key, deps);
    expect(spy).toHaveBeenCalledTimes(1);
    now += 31_000;
    await run(key, deps);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('answers the invoke-local events in events/authorize', async () => {
    process.env.TABLE_NAME = 'authorize-test';
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    const { handler } = await import('./authorize.js');
    await keys.put({
      hash: hashApiKey('local-basket-key'),
      clientName: 'local-basket',
      role: 'basket',
      organisations: ['demo-org'],
      createdAt: new Date().toISOString(),
    });
    const event = (name: string) =>
      JSON.parse(readFileSync(new URL(`../events/authorize/${name}.json`, import.meta.url), 'utf8'));
    await expect(handler(event('basket-key'), lambdaContext())).resolves.toMatchObject({
      context: { role: 'basket' },
    });
    await expect(handler(event('missing-key'), lambdaContext())).resolves.toEqual({
      isAuthorized: true,
      context: {},
    });
  });

  it('passes a request without a key through with an empty context, so the route answers 401', async () => {
    process.env.TABLE_NAME = 'authorize-test';
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    const { handler } = await import('./authorize.js');
    const event = { headers: {}, routeKey: 'GET /v1/x' } as unknown as APIGatewayRequestAuthorizerEventV2;
    await expect(handler(event, lambdaContext())).resolves.toEqual({ isAuthorized: true, context: {} });
    const key = await newKey('admin', ['ORG9']);
    const withKey = {
      headers: { 'x-api-key': key },
      routeKey: 'GET /v1/x',
    } as unknown as APIGatewayRequestAuthorizerEventV2;
    await expect(handler(withKey, lambdaContext())).resolves.toMatchObject({
      context: { role: 'admin', organisations: 'ORG9' },
    });
  });
});

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import type { TicketingEvent } from '../../domain/mappings.js';
import { createMappingRepository } from './mappings.js';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const dynamo = mockClient(doc);
const mappings = createMappingRepository({ name: 'unit', doc });

afterEach(() => {
  dynamo.reset();
});

const event: TicketingEvent = {
  eventId: 'demo-festival',
  organisationId: 'demo-org',
  name: 'Festival',
  startDate: '2026-09-01T20:00:00+02:00',
  labels: ['UiTPAS'],
  ticketTypes: [{ id: 'base', name: 'Basis', price: 10, standard: true }],
  createdAt: 't',
  updatedAt: 't',
  updatedBy: 'x',
  version: 1,
};

/** What the last UpdateItem sets and removes, by attribute name. */
function lastUpdate() {
  const input = dynamo.commandCalls(UpdateCommand).at(-1)?.args[0].input as UpdateCommandInput;
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const [setPart = '', removePart = ''] = (input.UpdateExpression ?? '')
    .replace(/^SET /, '')
    .split(' REMOVE ');
  const set = Object.fromEntries(
    setPart.split(', ').map((assignment) => {
      const [name = '', value = ''] = assignment.split(' = ');
      return [names[name] ?? name, values[value]];
    }),
  );
  const removed = removePart ? removePart.split(', ').map((name) => names[name] ?? name) : [];
  return { input, set, removed };
}

describe('the mapping repository’s requests', () => {
  it('reads an event with exactly one GetItem on its key', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { pk: 'EVENT#demo-festival', sk: 'EVENT', kind: 'event', ...event } });
    await expect(mappings.getEvent('demo-festival')).resolves.toEqual(event);
    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'EVENT#demo-festival', sk: 'EVENT' } });
    expect(dynamo.calls()).toHaveLength(1);
  });

  it('indexes a labelled event by organisation, mapped state and start in UTC', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await mappings.putEvent(event, undefined);
    const { input, set } = lastUpdate();
    expect(set).toMatchObject({
      gsi1pk: 'ORG#demo-org#EXTMAP',
      gsi1sk: 'UNMAPPED#2026-09-01T18:00:00.000Z#demo-festival',
      name: 'Festival',
      version: 1,
    });
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('keeps an event without the UiTPAS or uitDB label out of the index', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await mappings.putEvent({ ...event, labels: ['concert'], version: 4 }, 3);
    const { input, set, removed } = lastUpdate();
    expect(set).not.toHaveProperty('gsi1pk');
    expect(removed).toEqual(expect.arrayContaining(['gsi1pk', 'gsi1sk', 'hint', 'uitdatabankId']));
    expect(input.ConditionExpression).toBe('#version = :previous');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':previous': 3, ':version': 4 });
  });

  it('lists the external mappings with a Query on gsi1, never a Scan', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await mappings.listMappingEvents({
      organisationIds: ['b', 'a'],
      mapped: false,
      label: 'uitDB',
      limit: 10,
    });
    expect(dynamo).not.toHaveReceivedCommand(ScanCommand);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      FilterExpression: 'contains(labels, :label)',
      ExpressionAttributeValues: { ':pk': 'ORG#a#EXTMAP', ':prefix': 'UNMAPPED#', ':label': 'uitDB' },
    });
  });

  it('guards the sync’s write against a manual mapping and another stored id in the condition itself', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...event } });
    dynamo.on(UpdateCommand).resolves({});
    await mappings.setSyncedUitdatabankId('demo-festival', '5a0967f9-cc06-4c3c-9206-30481a767434', 1);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression:
        '#version = :expected AND (attribute_not_exists(#source) OR #source <> :manual)' +
        ' AND (attribute_not_exists(uitdatabankId) OR uitdatabankId = :id)',
      ExpressionAttributeValues: expect.objectContaining({
        ':expected': 1,
        ':manual': 'manual',
        ':next': 2,
        ':id': '5a0967f9-cc06-4c3c-9206-30481a767434',
      }),
    });
  });
});

describe('the basket read', () => {
  it('reads the event strongly consistent, so a mapping saved just before applies to this lookup', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...event, version: 1 } });

    await mappings.getEventForBasket('demo-festival');

    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'EVENT#demo-festival', sk: 'EVENT' },
      ConsistentRead: true,
    });
  });
});

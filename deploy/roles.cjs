/**
 * One IAM role per function, least privilege: each function may write its own log group and X-Ray traces, and gets
 * only the table actions and other resources listed here. Readers get GetItem/Query only; only writers get writes.
 * serverless.yml loads this file; keep the list in step with the functions.
 */
'use strict';

const TABLE = { 'Fn::GetAtt': ['Table', 'Arn'] };
const QUEUE = { 'Fn::GetAtt': ['CancellationQueue', 'Arn'] };
/** Table actions on the items whose partition key starts with one of `prefixes` only (DynamoDB's LeadingKeys). */
const tableItems = (actions, prefixes) => ({
  Effect: 'Allow',
  Action: actions,
  Resource: TABLE,
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } },
});
const index = (name) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, `/index/${name}`]] });

function policies({ service, stage }) {
  // The UiTPAS client secret, read once per container by the functions that talk to publiq. A SecureString under the
  // default aws/ssm key needs no kms:Decrypt grant.
  const clientSecret = {
    Effect: 'Allow',
    Action: ['ssm:GetParameter'],
    Resource: {
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${service}/${stage}/uitpas-client-secret`,
    },
  };
  // The key of the ticket sales' pass pseudonyms (PASS_HASH_KEY_PARAMETER), read once per container.
  const passHashKey = {
    Effect: 'Allow',
    Action: ['ssm:GetParameter'],
    Resource: {
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${service}/${stage}/pass-hash-key`,
    },
  };
  // Every table grant names the key prefixes of the items it may touch (deploy/roles.int.test.ts records what each
  // function's code does against a local stack and holds these lists to it, both ways). API keys (APIKEY#) are
  // written by the API-key script alone, with the operator's own credentials: no function may write one.
  const mappings = ['EVENT#*', 'ORG#*', 'PROMOTOR#*'];
  return {
    authorize: [tableItems(['dynamodb:GetItem'], ['APIKEY#*'])],
    health: [],
    // The OpenAPI document and the docs page, built into the bundle: nothing to read anywhere.
    apiDocs: [],
    validatePass: [clientSecret],
    // The event mapping carries the organizer's permission snapshot: the basket reads nothing else.
    lookupTariffs: [tableItems(['dynamodb:GetItem'], ['EVENT#*']), clientSecret],
    // Ticket sales touch only orders, sale claims and (read-only) events.
    registerTicketSales: [
      tableItems(['dynamodb:GetItem'], ['EVENT#*', 'ORDER#*', 'TICKETSALE#*']),
      tableItems(['dynamodb:PutItem'], ['ORDER#*', 'TICKETSALE#*']),
      clientSecret,
      passHashKey,
    ],
    cancelTicketSales: [
      tableItems(['dynamodb:GetItem', 'dynamodb:PutItem'], ['ORDER#*', 'TICKETSALE#*']),
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE },
      clientSecret,
      passHashKey,
    ],
    retryCancellations: [
      tableItems(['dynamodb:GetItem', 'dynamodb:PutItem'], ['ORDER#*']),
      {
        Effect: 'Allow',
        Action: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ChangeMessageVisibility',
        ],
        Resource: QUEUE,
      },
      clientSecret,
      passHashKey,
    ],
    sweepHeldSales: [
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: index('gsi1') },
      tableItems(['dynamodb:GetItem', 'dynamodb:PutItem'], ['ORDER#*', 'TICKETSALE#*']),
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: QUEUE },
      clientSecret,
      passHashKey,
    ],
    checkReadiness: [
      // Reads the mappings and the permissions cache; writes the event's readiness snapshot and the cache.
      tableItems(['dynamodb:GetItem'], [...mappings, 'CACHE#*']),
      tableItems(['dynamodb:UpdateItem'], ['EVENT#*', 'CACHE#*']),
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: index('gsi1') },
      clientSecret,
    ],
    // No Scan: the work is found through gsi1. Writes only its own items, the events' UiTdatabank ids and sync state,
    // the permissions cache and the audit of the ids it stores.
    syncUitdatabank: [
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: index('gsi1') },
      tableItems(['dynamodb:GetItem'], [...mappings, 'SYNC#*']),
      tableItems(['dynamodb:UpdateItem'], ['EVENT#*', 'CACHE#*']),
      tableItems(['dynamodb:PutItem'], ['SYNC#*', 'AUDIT#*']),
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem'],
        Resource: TABLE,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SYNC#LEASE'] } },
      },
      clientSecret,
    ],
    // The reimbursement export reads only: the organisations' sales ledgers (gsi1 `SALES#` partitions, the sale
    // claims), the orders they point at, and the mappings that give each event's organizer. No write, no publiq.
    reportTicketSales: [
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: index('gsi1'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SALES#*'] } },
      },
      // The orders its claims point at; each event's organizer: the event, its organisation and its promotor.
      tableItems(['dynamodb:GetItem'], ['ORDER#*', 'EVENT#*', 'ORG#*', 'PROMOTOR#*']),
    ],
    // Reconciliation: reads the sales ledger (gsi1 `SALES#`), sale claims, orders, events and organisations (gsi1
    // `ORGS`); writes only its own results (`RECON#`). UiTPAS: search and the cancellation of what our orders cancelled.
    reconcileSales: [
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: index('gsi1'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SALES#*', 'ORGS'] } },
      },
      tableItems(['dynamodb:GetItem'], ['ORDER#*', 'TICKETSALE#*', 'EVENT#*']),
      tableItems(['dynamodb:PutItem', 'dynamodb:Query'], ['RECON#*']),
      clientSecret,
    ],
    // The mappings and their audit trail; never an API key, an order or the sync's state.
    manageMappings: [
      tableItems(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], mappings),
      tableItems(['dynamodb:PutItem', 'dynamodb:Query'], ['AUDIT#*']),
      tableItems(['dynamodb:GetItem', 'dynamodb:UpdateItem'], ['UITDBEVENT#*']),
      // Deleting an event the sync created keeps what the sync pushed to it, for the sync to take it back.
      tableItems(['dynamodb:PutItem'], ['SYNCRETIRED#*']),
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: index('gsi1') },
      clientSecret,
    ],
  };
}

const roleName = (fn) => `${fn.charAt(0).toUpperCase()}${fn.slice(1)}Role`;

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const Resources = {};
  for (const [fn, statements] of Object.entries(policies({ service, stage }))) {
    const logGroup = {
      'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${fn}:*`,
    };
    Resources[roleName(fn)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: `${fn}-least-privilege`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: logGroup,
                },
                {
                  Effect: 'Allow',
                  Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
                  Resource: '*',
                },
                ...statements,
              ],
            },
          },
        ],
      },
    };
  }
  return Resources;
};

/** The functions that get a role: every function of serverless.yml (deploy/stack.test.ts holds them equal). */
module.exports.functionNames = () => Object.keys(policies({ service: 'service', stage: 'stage' }));

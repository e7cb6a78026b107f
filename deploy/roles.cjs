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
  return {
    authorize: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE }],
    health: [],
    validatePass: [clientSecret],
    lookupTariffs: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE }, clientSecret],
    // Ticket sales touch only orders, sale claims and (read-only) events: DynamoDB's LeadingKeys keeps them there.
    registerTicketSales: [
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: TABLE,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EVENT#*', 'ORDER#*', 'TICKETSALE#*'] },
        },
      },
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
      // GetItem: event, organisation, promotor, permissions cache. UpdateItem: the snapshot and the cache item.
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: TABLE },
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: index('gsi1') },
      clientSecret,
    ],
    // No Scan: the work is found through gsi1. Puts only for its own items (and the audit of the ids it stores).
    syncUitdatabank: [
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: index('gsi1') },
      // Before creating an event, its audit trail says whether the sync created it once already.
      tableItems(['dynamodb:Query'], ['AUDIT#event#*']),
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: TABLE },
      tableItems(['dynamodb:PutItem'], ['SYNC#*', 'AUDIT#*']),
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem'],
        Resource: TABLE,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SYNC#LEASE'] } },
      },
      clientSecret,
    ],
    manageMappings: [
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:UpdateItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        Resource: [TABLE, index('gsi1')],
      },
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

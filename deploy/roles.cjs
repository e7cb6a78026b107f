/**
 * One IAM role per function, least privilege: each function gets its own log group, X-Ray, and only the table
 * actions (and other resources) listed here. serverless.yml loads this file; keep the list next to the functions.
 */
'use strict';

const TABLE = { 'Fn::GetAtt': ['Table', 'Arn'] };
const TABLE_INDEXES = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/index/*']] };

/** Function name -> extra statements. Readers get GetItem/Query only; only writers get writes. */
const POLICIES = {
  authorize: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: TABLE }],
  health: [],
};

function roleName(fn) {
  return `${fn.charAt(0).toUpperCase()}${fn.slice(1)}Role`;
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const Resources = {};
  for (const [fn, statements] of Object.entries(POLICIES)) {
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

module.exports.TABLE = TABLE;
module.exports.TABLE_INDEXES = TABLE_INDEXES;

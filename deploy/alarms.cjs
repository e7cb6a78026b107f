/**
 * The alarms, and the one place they all send to: an SNS topic that mails the address given as ALARM_EMAIL at deploy
 * (required for --stage prod, see deploy/production.cjs; a stage deployed without one gets the topic but nobody on
 * it). Every alarm notifies the topic when it fires and when it clears, so the person on call also learns it is over:
 *
 * - each function's Errors and Throttles (AWS/Lambda);
 * - the HTTP API's 5xx answers (AWS/ApiGateway);
 * - a cancellation in the dead-letter queue;
 * - a line for a person (an ERROR with `alarm`, counted as `NeedsAPerson` by lib/metrics.ts);
 * - a reconciliation run that found a discrepancy (`ReconciliationDiscrepancies`);
 * - a sync that failed or did not run: fewer than one `SyncRunSucceeded` (EMF, lib/adapters/metrics.ts) in two of
 *   its 15-minute intervals, missing data counting as failure, since a sync that does not run sends nothing.
 *
 * serverless.yml loads this file; the function list is the one deploy/roles.cjs gives a role to.
 */
'use strict';

const roles = require('./roles.cjs');

const TOPIC = { Ref: 'OperationsTopic' };
const NAMESPACE = 'UitpasTicketing';
const upper = (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

function alarm(properties) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
      TreatMissingData: 'notBreaching',
      ...properties,
    },
  };
}

/** Any occurrence in five minutes. */
const anyInFiveMinutes = {
  Statistic: 'Sum',
  Period: 300,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
};

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const email = await resolveVariable("param:alarmEmail, ''");
  // The `service` dimension Powertools Metrics gives every metric.
  const metricsService = await resolveVariable('self:provider.environment.POWERTOOLS_SERVICE_NAME');
  const name = (what) => `${service}-${stage}-${what}`;

  const Resources = {
    OperationsTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: name('operations'), DisplayName: `UiTPAS ticketing ${stage}` },
    },
  };
  if (email) {
    Resources.OperationsEmail = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: TOPIC, Protocol: 'email', Endpoint: email },
    };
  }

  for (const fn of roles.functionNames()) {
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: `${upper(fn)}LambdaFunction` } }];
    Resources[`${upper(fn)}ErrorsAlarm`] = alarm({
      AlarmName: name(`${fn}-errors`),
      AlarmDescription: `${fn} failed an invocation (an uncaught error or a timeout): read its log group for the correlation id.`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: dimensions,
      ...anyInFiveMinutes,
    });
    Resources[`${upper(fn)}ThrottlesAlarm`] = alarm({
      AlarmName: name(`${fn}-throttles`),
      AlarmDescription: `${fn} was throttled: the account's or the function's concurrency is exhausted, so callers were turned away.`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: dimensions,
      ...anyInFiveMinutes,
    });
  }

  Resources.HttpApi5xxAlarm = alarm({
    AlarmName: name('api-5xx'),
    AlarmDescription:
      'The HTTP API answered 5xx: a function failed or timed out, or UiTPAS was unavailable (503). Look at the functions\u2019 errors and logs.',
    Namespace: 'AWS/ApiGateway',
    MetricName: '5xx',
    Dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }],
    ...anyInFiveMinutes,
  });

  Resources.CancellationDeadLetterAlarm = alarm({
    AlarmName: name('cancellations-dead-lettered'),
    AlarmDescription:
      'A cancellation UiTPAS kept refusing is in the dead-letter queue. The order stays CANCEL_PENDING and the sweep keeps retrying it; look at its lastCancelError.',
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['CancellationDeadLetterQueue', 'QueueName'] } },
    ],
    ...anyInFiveMinutes,
    Statistic: 'Maximum',
  });

  Resources.NeedsAPersonAlarm = alarm({
    AlarmName: name('needs-a-person'),
    AlarmDescription:
      'A function logged a line for a person, an ERROR with an `alarm` field (claim conflict, outcome unknown, orphaned sale, unexpected answer, cancellation retries exhausted): search the functions\u2019 logs for "alarm" and settle the order by hand if needed.',
    Namespace: NAMESPACE,
    MetricName: 'NeedsAPerson',
    Dimensions: [{ Name: 'service', Value: metricsService }],
    ...anyInFiveMinutes,
  });

  Resources.ReconciliationDiscrepancyAlarm = alarm({
    AlarmName: name('reconciliation-discrepancies'),
    AlarmDescription:
      'A reconciliation run found our sales ledger and UiTPAS apart (a sale missing at UiTPAS, one not ours, one we cancelled still there, a price or tariff that differs): GET /v1/reconciliation?organisationId=… lists them per event, with what to do (README, Reconciliation).',
    Namespace: NAMESPACE,
    MetricName: 'ReconciliationDiscrepancies',
    Dimensions: [{ Name: 'service', Value: metricsService }],
    ...anyInFiveMinutes,
  });

  Resources.SyncNotSucceededAlarm = alarm({
    AlarmName: name('sync-not-succeeding'),
    AlarmDescription:
      'The UiTdatabank sync has not finished a run without failures in 30 minutes (two of its intervals): it failed, or did not run. Run `npm run sync` against the stage, or read syncUitdatabank\u2019s log for its summary.',
    Namespace: NAMESPACE,
    MetricName: 'SyncRunSucceeded',
    Dimensions: [{ Name: 'service', Value: metricsService }],
    Statistic: 'Sum',
    Period: 900,
    EvaluationPeriods: 2,
    Threshold: 1,
    ComparisonOperator: 'LessThanThreshold',
    TreatMissingData: 'breaching',
  });

  return Resources;
};

/**
 * What `--stage prod` must be given, checked while serverless.yml is resolved: a missing one stops `deploy` (and
 * `package`) before anything is built or created, with a message that names it.
 */
'use strict';

module.exports = async ({ resolveVariable }) => {
  const clientId = await resolveVariable("env:UITPAS_CLIENT_ID, ''");
  if (!clientId) {
    throw new Error(
      'UITPAS_CLIENT_ID is required for --stage prod: the publiq client id of the production environment (its secret goes in the SSM parameter /<service>/prod/uitpas-client-secret).',
    );
  }
  const alarmEmail = await resolveVariable("env:ALARM_EMAIL, ''");
  if (!alarmEmail) {
    throw new Error(
      'ALARM_EMAIL is required for --stage prod: the address every alarm of the stage mails to (deploy/alarms.cjs).',
    );
  }
  return { uitpasClientId: clientId, alarmEmail };
};

/**
 * The CloudFormation stack as `serverless package` builds it, held to what the README's Operations section promises:
 * every alarm reaches a person, every function keeps its logs for a set time, and every function runs under a role
 * of its own (deploy/roles.int.test.ts holds each role's grants to what its function's code does).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverless = fileURLToPath(new URL('../node_modules/serverless/bin/serverless.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'package-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
}

const clean = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(ALARM_EMAIL|UITPAS_|PUBLIQ_ENV|DYNAMODB_)/.test(key)),
);
await promisify(execFile)(process.execPath, [serverless, 'package', '--stage', 'dev', '--package', out], {
  cwd: root,
  // Its own build folder: the local stack's tests may be serving the bundles of .esbuild meanwhile.
  env: { ...clean, ALARM_EMAIL: 'oncall@example.org', ESBUILD_WORK_FOLDER: '.esbuild-package' },
  maxBuffer: 16 * 1024 * 1024,
});
const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as {
  Resources: Record<string, Resource>;
};
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const functions = ofType('AWS::Lambda::Function');

describe('the packaged stack', () => {
  it('sends every alarm, when it fires and when it clears, to the operations topic, which mails ALARM_EMAIL', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    // Errors and throttles of each function, the API's 5xx, the dead letters, a person needed, the sync, and a
    // reconciliation discrepancy.
    expect(alarms).toHaveLength(functions.length * 2 + 5);
    for (const [name, alarm] of alarms) {
      expect({ name, actions: alarm.Properties.AlarmActions }).toEqual({
        name,
        actions: [{ Ref: 'OperationsTopic' }],
      });
      expect({ name, actions: alarm.Properties.OKActions }).toEqual({
        name,
        actions: [{ Ref: 'OperationsTopic' }],
      });
    }
    expect(ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties)).toEqual([
      { TopicArn: { Ref: 'OperationsTopic' }, Protocol: 'email', Endpoint: 'oncall@example.org' },
    ]);
  });

  it('watches every function for errors and throttles', () => {
    const watched = ofType('AWS::CloudWatch::Alarm')
      .filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/Lambda')
      .map(
        ([, alarm]) =>
          `${(alarm.Properties.Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref} ${alarm.Properties.MetricName}`,
      )
      .sort();
    const expected = functions.flatMap(([name]) => [`${name} Errors`, `${name} Throttles`]).sort();
    expect(watched).toEqual(expected);
  });

  it('gives every function a log group with a retention', () => {
    const groups = new Map(
      ofType('AWS::Logs::LogGroup').map(([name, group]) => [name, group.Properties.RetentionInDays]),
    );
    for (const [name, fn] of functions) {
      const depends = [fn.DependsOn ?? []].flat();
      const group = depends.find((dependency) => groups.has(dependency));
      expect({ name, group, retention: group && groups.get(group) }).toEqual({
        name,
        group: expect.any(String),
        retention: expect.any(Number),
      });
    }
  });

  it('runs every function under a role of its own, and has no role no function uses', () => {
    const roleOf = functions.map(([name, fn]) => [
      name,
      (fn.Properties.Role as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0],
    ]);
    const used = roleOf.map(([, role]) => role);
    expect(new Set(used).size).toBe(functions.length);
    for (const [name, role] of roleOf)
      expect({ name, role }).toEqual({ name, role: `${name?.replace(/LambdaFunction$/, '')}Role` });
    expect(
      ofType('AWS::IAM::Role')
        .map(([name]) => name)
        .sort(),
    ).toEqual([...used].sort());
  });

  it("ships each function's source map beside its code, mapping our own files alone (deploy/esbuild-plugins.cjs)", () => {
    const zips = readdirSync(out).filter((file) => file.endsWith('.zip'));
    expect(zips).toHaveLength(functions.length);
    for (const zip of zips) {
      const listing = execFileSync('unzip', ['-Z1', join(out, zip)], { encoding: 'utf8' }).split('\n');
      const mapFile = listing.find((file) => file.endsWith('.cjs.map'));
      expect({ zip, mapFile }).toEqual({ zip, mapFile: expect.stringMatching(/^functions\/.+\.cjs\.map$/) });
      const map = JSON.parse(
        execFileSync('unzip', ['-p', join(out, zip), mapFile as string], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        }),
      ) as { sources: string[] };
      const entry = (mapFile as string).replace(/\.cjs\.map$/, '.ts');
      expect({ zip, ours: map.sources.some((source) => source.endsWith(entry)) }).toEqual({
        zip,
        ours: true,
      });
      expect({ zip, dependencies: map.sources.filter((source) => source.includes('node_modules/')) }).toEqual(
        {
          zip,
          dependencies: [],
        },
      );
    }
  });
});

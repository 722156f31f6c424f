import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../lib/watch/watch-metrics.js';
import { functionId, synthesize } from './synthesize.js';

type Resources = Record<string, { Properties: Record<string, unknown> }>;
interface DashboardBody {
  widgets: Array<{ properties: { metrics: Array<Array<string | { expression?: string }>> } }>;
}

/** The dashboard's JSON with CloudFormation references (region, names) as placeholders. */
function dashboardBody(body: unknown): DashboardBody {
  const [, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as DashboardBody;
}

function alarms(template: Template): Resources {
  return template.findResources('AWS::CloudWatch::Alarm') as Resources;
}

function alarmOn(template: Template, metricName: string): { Properties: Record<string, unknown> } {
  const found = Object.values(alarms(template)).filter((alarm) => alarm.Properties.MetricName === metricName);
  if (found.length !== 1) throw new Error(`Expected one alarm on ${metricName}, found ${found.length}`);
  return found[0] as { Properties: Record<string, unknown> };
}

describe('the operations dashboard and alarms', () => {
  let stateless: Template;
  beforeAll(() => {
    ({ stateless } = synthesize());
  });

  it('ships a dashboard of polls, endings, vendor errors, detection delay, the API, throttles and dead letters', () => {
    const dashboards = Object.values(
      stateless.findResources('AWS::CloudWatch::Dashboard'),
    ) as Resources[string][];
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('jobwatch-test');
    const body = dashboardBody(dashboards[0]?.Properties.DashboardBody);
    const expressions = body.widgets.flatMap((widget) =>
      widget.properties.metrics.flatMap((line) =>
        line.flatMap((part) => (typeof part === 'object' && part.expression ? [part.expression] : [])),
      ),
    );
    // per connection, found at run time
    expect(expressions).toContain(
      `SEARCH('{jobwatch,service,vendor,connection} service="jobwatch-test" (MetricName="Polls")', 'Sum', 300)`,
    );
    expect(expressions).toContain('100 * (FILL(t_all, 0) + FILL(a_all, 0) + FILL(p_all, 0)) / n_all');
    const text = JSON.stringify(body);
    for (const name of [
      ...Object.values(METRIC_NAMES.ended),
      METRIC_NAMES.watchFailed,
      METRIC_NAMES.vendor.auth,
      METRIC_NAMES.vendor.transport,
      METRIC_NAMES.vendor.protocol,
    ]) {
      expect(text).toContain(`"${name}"`);
    }
    expect(text).toContain('"DetectionDelay","service","jobwatch-test",{"label":"p50","stat":"p50"}');
    expect(text).toContain('"DetectionDelay","service","jobwatch-test",{"label":"p95","stat":"p95"}');
    for (const awsMetric of [
      '5XXError',
      '4XXError',
      'Latency',
      'Throttles',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(text).toContain(`"${awsMetric}"`);
    }
  });

  it('alarms on broken watches, sustained auth errors, API 5xx, poll throttles and each dead-letter queue, with no action unless configured', () => {
    const service = [{ Name: 'service', Value: 'jobwatch-test' }];
    expect(alarmOn(stateless, METRIC_NAMES.watchFailed).Properties).toMatchObject({
      Namespace: 'jobwatch',
      Dimensions: service,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarmOn(stateless, METRIC_NAMES.vendor.auth).Properties).toMatchObject({
      Namespace: 'jobwatch',
      Dimensions: service,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(alarmOn(stateless, '5XXError').Properties).toMatchObject({ Namespace: 'AWS/ApiGateway' });
    expect(alarmOn(stateless, 'Throttles').Properties).toMatchObject({
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(stateless, 'PollFunction') } }],
    });
    const deadLetters = Object.values(alarms(stateless)).filter(
      (alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(deadLetters).toHaveLength(3);
    for (const alarm of Object.values(alarms(stateless)))
      expect(alarm.Properties.AlarmActions).toBeUndefined();
  });

  it('has no alarm on the poll function’s Lambda Errors, which count every “poll again”', () => {
    const onErrors = Object.values(alarms(stateless)).filter(
      (alarm) => alarm.Properties.MetricName === 'Errors',
    );
    expect(onErrors).toEqual([]);
  });

  it('tells every function the service its metrics carry', () => {
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function')) as Resources[string][];
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
          .POWERTOOLS_SERVICE_NAME,
      ).toBe('jobwatch-test');
    }
  });

  it('notifies an e-mail address through a topic of its own when alarmEmail is set', () => {
    const { stateless: template } = synthesize({ alarmEmail: 'ops@example.com' });

    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    expect(topicId).toBeDefined();
    const all = Object.values(alarms(template));
    expect(all.length).toBeGreaterThanOrEqual(7);
    for (const alarm of all) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('notifies an existing topic when alarmTopicArn is set, and refuses one that is no SNS ARN', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ops-pager';
    const { stateless: template } = synthesize({ alarmTopicArn: arn });

    expect(Object.keys(template.findResources('AWS::SNS::Topic'))).toEqual([]);
    for (const alarm of Object.values(alarms(template))) expect(alarm.Properties.AlarmActions).toEqual([arn]);
    expect(() => synthesize({ alarmTopicArn: 'ops-pager' })).toThrow(/alarmTopicArn/);
  });
});

import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../lib/watch/watch-metrics.js';
import { acknowledge } from './nag.js';

export interface OperationsDashboardProps {
  stage: string;
  /** Every jobwatch function (throttles; each is told the `service` its metrics carry). */
  functions: Record<string, lambda.Function>;
  poll: lambda.IFunction;
  api: apigateway.RestApi;
  /** The event triggers' failure queues: a message in one is an event nobody handled. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  /** The deployed connections: the per-connection error rates (the first few). */
  connections: readonly { name: string; vendor: string }[];
  /** Where alarms go: an existing topic, or a new one mailing this address (infra/deploy-settings.ts). */
  alarmTopicArn?: string | undefined;
  alarmEmail?: string | undefined;
}

/** Connections that get a line of their own in the error-rate graph; the rest are in the SEARCH graph. */
export const RATE_GRAPH_CONNECTIONS = 20;
const PERIOD = Duration.minutes(5);

/**
 * What an operator watches jobwatch by: a dashboard of polls, endings, vendor trouble, detection
 * delay, the API, throttles and the dead-letter queues, and alarms on what needs a human.
 *
 * There is no alarm on the poll function's Lambda `Errors`: every "poll again" is a thrown
 * `PollIn<n>s` (that is how the poll steers its Retry loop), so `Errors` counts polls. A watch
 * that broke down is `WatchFailed` instead, counted by the failure recorder.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic: sns.ITopic | undefined;
  /** The `service` dimension of this stage's metrics. */
  readonly service: string;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.service = `jobwatch-${props.stage}`;
    for (const fn of Object.values(props.functions))
      fn.addEnvironment('POWERTOOLS_SERVICE_NAME', this.service);
    this.topic = this.alarmTopic(props);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `jobwatch-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(this.pollsGraph(), this.endingsGraph(), this.detectionDelayGraph());
    this.dashboard.addWidgets(this.errorRateGraph(props.connections), this.errorsByConnectionGraph());
    this.dashboard.addWidgets(...this.apiGraphs(props.api));
    this.dashboard.addWidgets(
      this.throttlesGraph(props.functions),
      this.deadLettersGraph(props.deadLetterQueues),
    );
    this.addAlarms(props);
  }

  /** One of this stage's metrics, for the stage as a whole (the `[service]` dimension set). */
  private metric(name: string, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: this.service },
      statistic,
      period: PERIOD,
    });
  }

  /** A metric per vendor and connection, found at run time (connections come and go). */
  private search(names: readonly string[], label: string): cloudwatch.MathExpression {
    const metricNames = names.map((name) => `MetricName="${name}"`).join(' OR ');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},service,vendor,connection} service="${this.service}" (${metricNames})', 'Sum', ${PERIOD.toSeconds()})`,
      label,
      period: PERIOD,
    });
  }

  private pollsGraph(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Polls by connection',
      left: [this.search([METRIC_NAMES.polls], '')],
      width: 8,
    });
  }

  private endingsGraph(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Jobs ended, by status; broken watches',
      left: [
        ...Object.entries(METRIC_NAMES.ended).map(([status, name]) =>
          this.metric(name).with({ label: status }),
        ),
        this.metric(METRIC_NAMES.watchFailed).with({ label: 'WatchFailed' }),
      ],
      stacked: true,
      width: 8,
    });
  }

  private detectionDelayGraph(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Detection delay (vendor end → stored), seconds',
      left: [
        this.metric(METRIC_NAMES.detectionDelay, 'p50').with({ label: 'p50' }),
        this.metric(METRIC_NAMES.detectionDelay, 'p95').with({ label: 'p95' }),
      ],
      width: 8,
    });
  }

  /** Failed vendor reads per poll, %: the stage's, and each of the first connections'. */
  private errorRateGraph(connections: OperationsDashboardProps['connections']): cloudwatch.GraphWidget {
    // Ids are unique within the graph: one suffix per line.
    const rate = (label: string, suffix: string, metricOf: (name: string) => cloudwatch.IMetric) =>
      new cloudwatch.MathExpression({
        expression: `100 * (FILL(t_${suffix}, 0) + FILL(a_${suffix}, 0) + FILL(p_${suffix}, 0)) / n_${suffix}`,
        usingMetrics: {
          [`t_${suffix}`]: metricOf(METRIC_NAMES.vendor.transport),
          [`a_${suffix}`]: metricOf(METRIC_NAMES.vendor.auth),
          [`p_${suffix}`]: metricOf(METRIC_NAMES.vendor.protocol),
          [`n_${suffix}`]: metricOf(METRIC_NAMES.polls),
        },
        label,
        period: PERIOD,
      });
    // Metric math cannot divide one SEARCH by another series by series, so the rate is drawn
    // per connection from the deployed list (the first ones; all of them are in the SEARCH graph).
    const perConnection = connections.slice(0, RATE_GRAPH_CONNECTIONS).map((connection, index) =>
      rate(
        connection.name,
        String(index),
        (name) =>
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: name,
            dimensionsMap: { service: this.service, vendor: connection.vendor, connection: connection.name },
            statistic: 'Sum',
            period: PERIOD,
          }),
      ),
    );
    return new cloudwatch.GraphWidget({
      title: 'Vendor error rate, % of polls',
      left: [rate('all connections', 'all', (name) => this.metric(name)), ...perConnection],
      leftYAxis: { min: 0, max: 100 },
      width: 12,
    });
  }

  private errorsByConnectionGraph(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Vendor errors by connection and kind',
      left: [
        this.search(
          [
            METRIC_NAMES.vendor.transport,
            METRIC_NAMES.vendor.auth,
            METRIC_NAMES.vendor.protocol,
            METRIC_NAMES.vendor.internal,
          ],
          '',
        ),
      ],
      stacked: true,
      width: 12,
    });
  }

  private apiGraphs(api: apigateway.RestApi): cloudwatch.GraphWidget[] {
    return [
      new cloudwatch.GraphWidget({
        title: 'API errors',
        left: [
          api.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
          api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency, ms',
        left: [
          api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          api.metricLatency({ period: PERIOD, statistic: 'p95', label: 'p95' }),
        ],
        width: 12,
      }),
    ];
  }

  private throttlesGraph(functions: Record<string, lambda.Function>): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Lambda throttles',
      left: Object.entries(functions).map(([name, fn]) =>
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: name }),
      ),
      width: 12,
    });
  }

  private deadLettersGraph(queues: Record<string, sqs.IQueue>): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Dead-letter queues, messages',
      left: Object.entries(queues).map(([name, queue]) =>
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: name }),
      ),
      width: 12,
    });
  }

  private addAlarms(props: OperationsDashboardProps): void {
    this.alarm('BrokenWatches', {
      metric: this.metric(METRIC_NAMES.watchFailed),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription:
        'jobwatch: a watch broke down (WatchFailed): its job is no longer polled until rewatched',
    });
    // A credentials change at the vendor, or a secret rotated without the connection: every poll
    // of the connection fails until someone fixes it. 15 minutes rides out a vendor's blip.
    this.alarm('VendorAuthErrors', {
      metric: this.metric(METRIC_NAMES.vendor.auth),
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      alarmDescription: 'jobwatch: a vendor has refused credentials for 15 minutes (VendorAuthErrors)',
    });
    this.alarm('Api5xx', {
      metric: props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'jobwatch: the API answered 5xx',
    });
    // Throttled polls reach Step Functions as Lambda.TooManyRequestsException: retried, late.
    this.alarm('PollThrottles', {
      metric: props.poll.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription: 'jobwatch: the poll function is throttled: polls are delayed',
    });
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`DeadLetters${name[0]?.toUpperCase()}${name.slice(1)}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        alarmDescription: `jobwatch: an event of the ${name} trigger failed on every attempt and waits in its dead-letter queue`,
      });
    }
  }

  private alarm(
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'>,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data is no trouble: these metrics are only published when something happens.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.topic) alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private alarmTopic(props: OperationsDashboardProps): sns.ITopic | undefined {
    if (props.alarmTopicArn) return sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    if (!props.alarmEmail) return undefined;
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `jobwatch ${props.stage} alarms`,
      enforceSSL: true,
    });
    topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    acknowledge(
      topic,
      'SNS2',
      'Alarm notices carry alarm names and states, no job data or secrets; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key only for these is not worth its cost.',
    );
    return topic;
  }
}

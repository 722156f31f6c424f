import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DETAIL_TYPES, REQUEST_EVENT_SOURCE } from '../../lib/events/job-events.js';
import { acknowledge } from './nag.js';

export interface EventTriggersProps {
  bus: events.IEventBus;
  stateMachine: sfn.IStateMachine;
  watchRequested: lambda.IFunction;
  executionEnded: lambda.IFunction;
  reconcile: lambda.IFunction;
}

/** Per trigger: where its undeliverable and failed events end up. */
export interface TriggerQueues {
  watchRequested: sqs.Queue;
  executionEnded: sqs.Queue;
  reconcile: sqs.Queue;
}

/**
 * The rules that invoke functions, each asynchronously — and so each with a queue on both ends of
 * the invoke: EventBridge's dead-letter queue gets the events it could not deliver, and the
 * function's on-failure destination (the same queue) gets the events whose handler failed on
 * every attempt, which Lambda would otherwise drop after its retries. Resources are created in
 * `scope` under the ids the stack always gave them: a renamed queue would be replaced, and its
 * messages lost.
 */
export function addEventTriggers(scope: Construct, props: EventTriggersProps): TriggerQueues {
  const queues: TriggerQueues = {
    watchRequested: failureQueue(scope, 'WatchRequestsDlq'),
    executionEnded: failureQueue(scope, 'ExecutionEndedDlq'),
    reconcile: failureQueue(scope, 'ReconcileFailures'),
  };

  // "Watch Job Requested" on jobwatch's bus starts a watch; a repeated event starts nothing new.
  new events.Rule(scope, 'WatchRequestedRule', {
    eventBus: props.bus,
    eventPattern: { source: [REQUEST_EVENT_SOURCE], detailType: [DETAIL_TYPES.watchRequested] },
    targets: [
      new targets.LambdaFunction(props.watchRequested, {
        deadLetterQueue: queues.watchRequested,
        retryAttempts: 4,
      }),
    ],
  });
  onFailure(props.watchRequested, queues.watchRequested, 2);

  // A watch execution stopped, timed out or failed: record it on the job (stop = cancel).
  new events.Rule(scope, 'ExecutionEndedRule', {
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: {
        status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
        stateMachineArn: [props.stateMachine.stateMachineArn],
      },
    },
    targets: [
      new targets.LambdaFunction(props.executionEnded, {
        deadLetterQueue: queues.executionEnded,
        retryAttempts: 4,
      }),
    ],
  });
  onFailure(props.executionEnded, queues.executionEnded, 2);

  // No job may say WATCHING without a live execution for long (a lost start, a lost ending).
  new events.Rule(scope, 'ReconcileSchedule', {
    description: 'jobwatch: restart watches whose execution is gone',
    schedule: events.Schedule.rate(Duration.minutes(5)),
    targets: [
      new targets.LambdaFunction(props.reconcile, { deadLetterQueue: queues.reconcile, retryAttempts: 0 }),
    ],
  });
  // The next run is five minutes away: a failed run is recorded, not retried.
  onFailure(props.reconcile, queues.reconcile, 0);
  return queues;
}

function failureQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
  acknowledge(
    queue,
    'SQS3',
    'This queue is itself where failed events end (an EventBridge dead-letter queue and a Lambda on-failure destination); a queue behind it would only move them again.',
  );
  return queue;
}

/** Lambda's own retries of an asynchronous invoke, then the queue instead of dropping the event. */
function onFailure(fn: lambda.IFunction, queue: sqs.IQueue, retryAttempts: number): void {
  fn.configureAsyncInvoke({
    onFailure: new destinations.SqsDestination(queue),
    retryAttempts,
    maxEventAge: Duration.hours(6),
  });
}

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { JobwatchError } from '../jobs/errors.js';
import { EVENT_SOURCE, type EventPublisher, type JobEvent } from './job-events.js';

/** PutEvents accepts at most 10 entries per call. */
const BATCH_SIZE = 10;

export class EventPublishError extends JobwatchError {
  override name = 'EventPublishError';
  override readonly retryable = true;
}

/** Publishes job events to an EventBridge bus. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async publish(events: readonly JobEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += BATCH_SIZE) {
      const batch = events.slice(start, start + BATCH_SIZE);
      const response = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Resources: [],
          })),
        }),
      );
      // PutEvents reports per-entry failures in a 200 answer; a silent partial failure would lose events.
      if ((response.FailedEntryCount ?? 0) > 0) {
        const firstFailure = response.Entries?.find((entry) => entry.ErrorCode);
        throw new EventPublishError(
          `EventBridge refused ${response.FailedEntryCount} of ${batch.length} events: ${firstFailure?.ErrorCode ?? 'unknown'}`,
        );
      }
    }
  }
}

import { EVENT_SOURCE, type EventPublisher, type JobEvent } from '../lib/events/job-events.js';

/** An event as EventBridge would deliver it to a rule's target (the fields jobwatch uses). */
export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
}

export type BusListener = (event: BusEvent) => void | Promise<void>;

/**
 * The local stand-in for EventBridge: jobwatch's events go out here, and rules (listeners with a
 * detail-type filter) receive them. Listener errors are logged by the caller's `onError`, never
 * thrown back at the publisher — as with EventBridge, a failing target does not fail PutEvents.
 */
export class LocalEventBus implements EventPublisher {
  readonly published: BusEvent[] = [];
  private readonly rules: Array<{ detailType?: string; listener: BusListener }> = [];
  private sequence = 0;

  constructor(private readonly onError: (error: unknown, event: BusEvent) => void = () => undefined) {}

  /** Subscribes to every event, or to one detail-type. Returns an unsubscribe function. */
  on(listener: BusListener, detailType?: string): () => void {
    const rule = { detailType, listener };
    this.rules.push(rule);
    return () => {
      const index = this.rules.indexOf(rule);
      if (index >= 0) this.rules.splice(index, 1);
    };
  }

  async publish(events: readonly JobEvent[]): Promise<void> {
    for (const event of events) await this.put(EVENT_SOURCE, event.detailType, event.detail);
  }

  /** Puts any event on the bus, like `aws events put-events` would. */
  async put(source: string, detailType: string, detail: unknown): Promise<void> {
    this.sequence += 1;
    const event: BusEvent = {
      id: `local-${this.sequence}`,
      source,
      'detail-type': detailType,
      time: new Date().toISOString(),
      detail,
    };
    this.published.push(event);
    for (const rule of [...this.rules]) {
      if (rule.detailType && rule.detailType !== detailType) continue;
      try {
        await rule.listener(event);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }
}

import { EVENT_SOURCE, type EventPublisher, type JobEvent } from '../lib/events/job-events.js';

/** An event exactly as EventBridge delivers it to a rule's target. */
export interface BusEvent {
  version: '0';
  id: string;
  source: string;
  'detail-type': string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

let envelopeSequence = 0;

/** Wraps a detail in EventBridge's envelope, for the local stand-ins of rules and targets. */
export function eventBridgeEnvelope(
  source: string,
  detailType: string,
  detail: unknown,
  resources: string[] = [],
): BusEvent {
  envelopeSequence += 1;
  return {
    version: '0',
    id: `local-${envelopeSequence}`,
    source,
    'detail-type': detailType,
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'local',
    resources,
    detail,
  };
}

export type BusListener = (event: BusEvent) => void | Promise<void>;

/**
 * The local stand-in for EventBridge: jobwatch's events go out here, and rules (listeners with a
 * detail-type filter) receive them. Listener errors are logged by the caller's `onError`, never
 * thrown back at the publisher — as with EventBridge, a failing target does not fail PutEvents.
 */
export class LocalEventBus implements EventPublisher {
  readonly published: BusEvent[] = [];
  private readonly rules: Array<{ detailType?: string | undefined; listener: BusListener }> = [];

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
    const event = eventBridgeEnvelope(source, detailType, detail);
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

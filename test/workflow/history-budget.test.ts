import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_HISTORY_EVENTS,
  HISTORY_EVENTS_PER_POLL,
  historyEventsUsed,
  POLL_INTERVAL_TIERS,
} from '../../lib/workflow/poll-contract.js';

const DAY = 86_400;
const at = (start: number, seconds: number) => new Date(start + seconds * 1000).toISOString();

/**
 * Walks one watch poll by poll, as the Poll state's Retry loop runs it, and counts how often it
 * continues as a new execution — with the bound from the visit (RetryCount, EnteredTime) and with
 * the bound it replaced (time since the execution started, one poll per smallest tier). Each
 * continuation is a fresh execution whose first Poll visit starts at its own start.
 */
function continuations(intervals: (poll: number) => number, seconds: number, rule: 'visit' | 'elapsed') {
  const origin = Date.UTC(2026, 0, 1);
  let count = 0;
  let executionStart = 0;
  let retryCount = 0;
  for (let now = 0, poll = 0; now < seconds; poll += 1) {
    const used =
      rule === 'visit'
        ? historyEventsUsed({
            executionStart: at(origin, executionStart),
            visitEntered: at(origin, executionStart),
            retryCount,
          })
        : ((now - executionStart) / POLL_INTERVAL_TIERS[0] + 1) * HISTORY_EVENTS_PER_POLL;
    if (used >= DEFAULT_MAX_HISTORY_EVENTS) {
      count += 1;
      executionStart = now;
      retryCount = 0;
      continue;
    }
    now += intervals(poll);
    retryCount += 1;
  }
  return count;
}

describe('continuing as a new execution by the history actually used', () => {
  const slow = (poll: number) => [300, 600, 900, 1200, 1800][poll % 5] as number;

  it('lets a slowly polled 7-day watch stay in one execution, where the time bound continued it 17 times', () => {
    expect(continuations(slow, 7 * DAY, 'elapsed')).toBe(17);
    expect(continuations(slow, 7 * DAY, 'visit')).toBe(0);
  });

  it('still continues a watch polled every 5 s before its history reaches the budget', () => {
    const fast = () => 5;
    const perExecution = (7 * DAY) / (continuations(fast, 7 * DAY, 'visit') + 1);
    // ~6,660 polls of 3 events each per execution: under 20,000 events, far under 25,000.
    expect(continuations(fast, 7 * DAY, 'visit')).toBe(18);
    expect((perExecution / 5) * HISTORY_EVENTS_PER_POLL).toBeLessThan(DEFAULT_MAX_HISTORY_EVENTS);
  });

  it('counts the attempts of this visit exactly and bounds earlier visits by the time they took', () => {
    const start = '2026-01-01T00:00:00.000Z';
    expect(historyEventsUsed({ executionStart: start, visitEntered: start, retryCount: 0 })).toBe(3 + 4);
    expect(historyEventsUsed({ executionStart: start, visitEntered: start, retryCount: 999 })).toBe(3004);
    // A visit entered a day after the start (after trouble): earlier visits may have polled
    // every 5 s, so the execution is treated as nearly full and continues at its next poll.
    const later = historyEventsUsed({
      executionStart: start,
      visitEntered: '2026-01-02T00:00:00.000Z',
      retryCount: 0,
    });
    expect(later).toBeGreaterThan((DAY / 5) * HISTORY_EVENTS_PER_POLL);
  });
});

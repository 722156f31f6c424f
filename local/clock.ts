/**
 * Time for the local stack. Locally a "minute" of vendor work can be compressed into a fraction
 * of a second: the simulators, the poll function and the state machine's retry intervals all read
 * the same scaled clock, so schedules and deadlines keep their meaning.
 */
export interface Clock {
  /** Milliseconds since the epoch, in the clock's (possibly compressed) time. */
  now(): number;
  /** How many real milliseconds one clock second lasts. */
  readonly realMsPerSecond: number;
}

export const systemClock: Clock = { now: () => Date.now(), realMsPerSecond: 1000 };

/**
 * A clock that runs `speed` times faster than real time, starting at the real now.
 *
 * @example const clock = scaledClock(60); // one real second is one minute
 */
export function scaledClock(speed: number): Clock {
  if (!(speed > 0)) throw new Error(`Clock speed must be positive, got ${speed}`);
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * speed,
    realMsPerSecond: 1000 / speed,
  };
}

/** A clock that only moves when told to: tests reach every step of a scripted job deterministically. */
export interface ManualClock extends Clock {
  advance(seconds: number): void;
}

/**
 * @example const clock = manualClock(); clock.advance(90); // 90 clock seconds later
 */
export function manualClock(start = Date.UTC(2024, 0, 19, 12, 0, 0)): ManualClock {
  let now = start;
  return {
    now: () => now,
    realMsPerSecond: 1000,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/**
 * Makes `Date` in a Lambda worker follow the local stack's clock, which may run compressed: each
 * invocation brings the stack's `now` and its speed, and from there the worker's time runs at
 * that speed. Installed before the bundle loads, so every `Date.now()` / `new Date()` in it sees
 * the stack's time. `new Date(value)`, `Date.parse`, `Date.UTC` are untouched.
 */
const RealDate = Date;
const realNow = () => RealDate.now();

let clockAtSync = realNow();
let realAtSync = clockAtSync;
let speed = 1;

/** The real epoch milliseconds, for the Lambda context's deadline. */
export const realTime = realNow;

/** @param {{ now: number, speed: number }} clock */
export function syncClock(clock) {
  clockAtSync = clock.now;
  realAtSync = realNow();
  speed = clock.speed;
}

function clockNow() {
  return Math.floor(clockAtSync + (realNow() - realAtSync) * speed);
}

const ClockDate = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length > 0 ? args : [clockNow()], newTarget);
  },
  apply() {
    // `Date()` called without new returns the current time as a string.
    return new RealDate(clockNow()).toString();
  },
  get(target, property) {
    if (property === 'now') return clockNow;
    return Reflect.get(target, property, target);
  },
});

globalThis.Date = ClockDate;

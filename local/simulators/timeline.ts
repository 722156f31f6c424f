/**
 * A scripted vendor job: a list of steps, each taking effect a number of (clock) seconds after the
 * job started. Simulators keep one timeline per job and read the step in force at "now";
 * progress between two steps that both carry progress is interpolated, so polls see it move.
 */
export interface TimelineStep<State> {
  /** Seconds after the job's start at which this step takes effect. */
  at: number;
  state: State;
  /** Progress 0–100 at this step, if the vendor reports progress. */
  progress?: number | undefined;
}

export interface TimelinePosition<State> {
  step: TimelineStep<State>;
  index: number;
  /** Interpolated progress, or the step's own, or undefined. */
  progress: number | undefined;
}

export class Timeline<State> {
  private steps: TimelineStep<State>[];

  constructor(
    steps: TimelineStep<State>[],
    readonly startedAt: number,
  ) {
    if (steps.length === 0) throw new Error('A timeline needs at least one step');
    this.steps = [...steps].sort((a, b) => a.at - b.at);
  }

  /** Where the job is at `now` (ms, same clock as `startedAt`). */
  at(now: number): TimelinePosition<State> {
    const elapsed = (now - this.startedAt) / 1000;
    let index = 0;
    for (let i = 0; i < this.steps.length; i += 1) {
      const step = this.steps[i];
      if (step && step.at <= elapsed) index = i;
    }
    const step = this.steps[index] as TimelineStep<State>;
    const next = this.steps[index + 1];
    let progress = step.progress;
    if (step.progress !== undefined && next?.progress !== undefined && next.at > step.at) {
      const fraction = Math.min(1, Math.max(0, (elapsed - step.at) / (next.at - step.at)));
      progress = step.progress + (next.progress - step.progress) * fraction;
    }
    return { step, index, progress };
  }

  /** Replaces everything from `now` on with new steps (relative to now), e.g. a cancel. */
  interrupt(now: number, steps: TimelineStep<State>[]): void {
    const elapsed = (now - this.startedAt) / 1000;
    const current = this.at(now);
    const kept = this.steps.filter((step) => step.at <= elapsed);
    const pinned = { ...current.step, at: elapsed, progress: current.progress };
    this.steps = [...kept.slice(0, -1), pinned, ...steps.map((step) => ({ ...step, at: elapsed + step.at }))];
    this.steps.sort((a, b) => a.at - b.at);
  }

  /** Seconds after start at which the last step takes effect. */
  get endsAt(): number {
    return this.steps[this.steps.length - 1]?.at ?? 0;
  }
}

/**
 * Every timer in the workflow reads time through a Clock, so a test can walk a violation
 * through two weeks in milliseconds and `workflow tick --now` can replay a day.
 */
export interface Clock {
  now(): Date;
  /** Waits between delivery retries; tests pass a clock whose sleep only advances time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that moves only when told; sleeping advances it instead of waiting. */
export class ManualClock implements Clock {
  private t: number;
  readonly sleeps: number[] = [];
  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
  advanceDays(days: number): void {
    this.t += days * DAY_MS;
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(at: Date | string, days: number): Date {
  return new Date(new Date(at).getTime() + days * DAY_MS);
}

import type { Clock } from '../ports';

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests (and the embedded runtime's tools) can move instead of sleeping. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

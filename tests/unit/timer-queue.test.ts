import { describe, expect, it } from "vitest";
import { TimerQueue, type TimerClock } from "../../runtime/net/timer-queue.js";

/** A clock the test moves by hand; `armed` is the one Node timer the queue would hold. */
function manualClock() {
  let now = 0;
  let armed: { at: number; fire: () => void; id: number } | undefined;
  let arms = 0;
  const clock: TimerClock = {
    now: () => now,
    arm: (delayMs, fire) => {
      arms++;
      armed = { at: now + delayMs, fire, id: arms };
      return arms;
    },
    disarm: (id) => {
      if (armed?.id === id) armed = undefined;
    },
  };
  return {
    clock,
    get arms() {
      return arms;
    },
    get armedAt() {
      return armed?.at;
    },
    /** Moves time to `t`, firing the armed timer (as often as it is re-armed) while it is due. */
    advance(t: number) {
      now = t;
      while (armed !== undefined && armed.at <= now) {
        const { fire } = armed;
        armed = undefined;
        fire();
      }
    },
  };
}

describe("TimerQueue", () => {
  it("fires timers in deadline order, and equal deadlines in the order they were scheduled", () => {
    const time = manualClock();
    const queue = new TimerQueue(time.clock, (error) => {
      throw error;
    });
    const fired: string[] = [];
    queue.schedule(30, () => fired.push("c"));
    queue.schedule(10, () => fired.push("a1"));
    queue.schedule(20, () => fired.push("b"));
    queue.schedule(10, () => fired.push("a2"));
    time.advance(15);
    expect(fired).toEqual(["a1", "a2"]);
    time.advance(100);
    expect(fired).toEqual(["a1", "a2", "b", "c"]);
    expect(queue.size).toBe(0);
  });

  it("a cancelled timer never fires, and cancelling twice or a fired timer does nothing", () => {
    const time = manualClock();
    const queue = new TimerQueue(time.clock, () => undefined);
    const fired: number[] = [];
    const first = queue.schedule(10, () => fired.push(1));
    queue.schedule(20, () => fired.push(2));
    queue.cancel(first);
    queue.cancel(first);
    time.advance(50);
    queue.cancel(first);
    expect(fired).toEqual([2]);
  });

  it("re-arms the one timer only for an earlier deadline (a request's timeout behind a longer one costs no re-arm)", () => {
    const time = manualClock();
    const queue = new TimerQueue(time.clock, () => undefined);
    queue.schedule(1000, () => undefined);
    expect(time.arms).toBe(1);
    for (let k = 0; k < 100; k++) queue.cancel(queue.schedule(5000, () => undefined));
    expect(time.arms).toBe(1);
    queue.schedule(5, () => undefined);
    expect(time.arms).toBe(2);
    expect(time.armedAt).toBe(5);
  });

  it("a timer scheduled while others fire waits for the next pass, even with delay 0", () => {
    const time = manualClock();
    const queue = new TimerQueue(time.clock, () => undefined);
    const fired: string[] = [];
    let passes = 0;
    const again = () => {
      fired.push(`tick ${passes}`);
      if (++passes < 3) queue.schedule(0, again);
    };
    queue.schedule(10, again);
    queue.schedule(10, () => fired.push("same instant"));
    time.advance(10);
    // The zero-delay re-schedules ran in later passes (one Node timer each), after the timer already due.
    expect(fired).toEqual(["tick 0", "same instant", "tick 1", "tick 2"]);
    expect(time.arms).toBe(3);
  });

  it("a callback that throws is reported and the timers after it still fire", () => {
    const time = manualClock();
    const errors: unknown[] = [];
    const queue = new TimerQueue(time.clock, (error) => errors.push(error));
    const fired: number[] = [];
    queue.schedule(10, () => {
      throw new Error("boom");
    });
    queue.schedule(10, () => fired.push(2));
    queue.schedule(20, () => fired.push(3));
    time.advance(30);
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom"]);
    expect(fired).toEqual([2, 3]);
  });

  it("many cancelled timeouts are compacted away and the live ones keep their order", () => {
    const time = manualClock();
    const queue = new TimerQueue(time.clock, () => undefined);
    const fired: number[] = [];
    queue.schedule(100, () => fired.push(100));
    for (let k = 0; k < 5000; k++) queue.cancel(queue.schedule(50 + (k % 7), () => fired.push(-1)));
    queue.schedule(60, () => fired.push(60));
    expect(queue.size).toBe(2);
    time.advance(200);
    expect(fired).toEqual([60, 100]);
  });
});

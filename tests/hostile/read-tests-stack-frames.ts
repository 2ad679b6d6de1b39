// Attack: V8's structured stack traces hand out the callers' functions and receivers (the exercise, the runner).
// Fence: lockdown's tamed Error (prepareStackTrace set from a compartment has no effect).
export function solve(): number {
  const ErrorClass = Error as unknown as { prepareStackTrace?: (error: Error, frames: unknown[]) => unknown };
  ErrorClass.prepareStackTrace = (_error, frames) => frames;
  const frames = new Error("probe").stack as unknown;
  if (!Array.isArray(frames)) throw new Error("no structured stack frames: prepareStackTrace was refused");
  const receiver = (frames[1] as { getThis(): { emit(value: unknown): void } }).getThis();
  receiver.emit({ n: 1, answer: 1 });
  return 0;
}
export function tally(): void {}

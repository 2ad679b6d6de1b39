/**
 * Schedules as text: the thread of each step, with runs of one thread
 * shortened, "0*3 1 0*2" for 0 0 0 1 0 0. Short enough to paste into a replay
 * call, plain enough to write by hand.
 */

export function formatInterleaving(schedule: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < schedule.length; ) {
    let j = i;
    while (j < schedule.length && schedule[j] === schedule[i]) j++;
    parts.push(j - i > 1 ? `${schedule[i]}*${j - i}` : `${schedule[i]}`);
    i = j;
  }
  return parts.join(" ");
}

export function parseInterleaving(text: string): number[] {
  const schedule: number[] = [];
  for (const token of text.trim().split(/[\s,]+/)) {
    if (token === "") continue;
    const match = /^(\d+)(?:\*(\d+))?$/.exec(token);
    if (!match) throw new TypeError(`Expected a schedule like "0*3 1 0*2" (thread, or thread*repetitions), got the token \`${token}\` in "${text}"`);
    const thread = Number(match[1]);
    const times = match[2] === undefined ? 1 : Number(match[2]);
    for (let i = 0; i < times; i++) schedule.push(thread);
  }
  return schedule;
}

import { expect, test } from "vitest";
import type { WorkerToHost } from "../../kernel/executor/messages.js";
import type { CellContext } from "../../kernel/ts/cell-context.js";
import { OutputChannel } from "../../kernel/ts/output-channel.js";

const cell = (id: string): CellContext => ({ parent: { msg_id: id } as CellContext["parent"], executionCount: 1 });

function collect() {
  const posted: WorkerToHost[] = [];
  const outputs = () =>
    posted.flatMap((m) => (m.type === "output" ? [[m.output.msgType, m.output.parent.msg_id, m.output.content] as const] : []));
  return { channel: new OutputChannel((m) => posted.push(m)), outputs };
}

test("many writes become one stream message with all text in order", () => {
  const { channel, outputs } = collect();
  const a = cell("a");
  for (let i = 0; i < 1000; i++) channel.stream("stdout", `${i}\n`, a);
  channel.flush();
  const streams = outputs();
  expect(streams).toHaveLength(1);
  expect((streams[0]![2] as { text: string }).text).toBe(Array.from({ length: 1000 }, (_, i) => `${i}\n`).join(""));
});

test("a display after printed text arrives after that text", () => {
  const { channel, outputs } = collect();
  const a = cell("a");
  channel.stream("stdout", "before\n", a);
  channel.emit({ msgType: "display_data", content: { data: {} } }, a);
  channel.stream("stdout", "after\n", a);
  channel.flush();
  expect(outputs().map(([type, , content]) => (type === "stream" ? (content as { text: string }).text : type))).toEqual([
    "before\n",
    "display_data",
    "after\n",
  ]);
});

test("text from two cells or two streams is never merged", () => {
  const { channel, outputs } = collect();
  channel.stream("stdout", "a1\n", cell("a"));
  channel.stream("stdout", "b1\n", cell("b"));
  channel.stream("stderr", "b2\n", cell("b"));
  channel.flush();
  expect(outputs().map(([, parent, content]) => [parent, (content as { name: string }).name, (content as { text: string }).text])).toEqual([
    ["a", "stdout", "a1\n"],
    ["b", "stdout", "b1\n"],
    ["b", "stderr", "b2\n"],
  ]);
});

test("output with no cell to belong to is dropped rather than misattributed", () => {
  const { channel, outputs } = collect();
  channel.stream("stdout", "orphan\n", undefined);
  channel.flush();
  expect(outputs()).toEqual([]);
});

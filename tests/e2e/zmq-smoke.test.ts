import { afterAll, beforeAll, expect, test } from "vitest";
import { launchKernel, type LaunchedKernel } from "../support/kernel-client.js";

let kernel: LaunchedKernel;
beforeAll(async () => {
  kernel = await launchKernel("pardis");
  await kernel.client.ready();
});
afterAll(() => kernel?.shutdown());

test("a trivial cell answers", async () => {
  const { reply, iopub } = await kernel.client.execute("1 + 1");
  expect(reply.content.status).toBe("ok");
  expect(iopub.find((m) => m.header.msg_type === "execute_result")?.content.data).toEqual({ "text/plain": "2" });
});

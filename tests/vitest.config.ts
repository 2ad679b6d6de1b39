import { defineConfig } from "vitest/config";

/**
 * One suite, run by `npm test`: unit tests (fast, in-process) and end-to-end
 * tests that start real kernels, real ZeroMQ sockets, JupyterLab and chromium.
 * Files run one at a time: the machine has two cores and the e2e tests each
 * start processes of their own; timing belongs in `npm run bench`, never here.
 */
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["tests/*.test.ts", "tests/unit/**/*.test.ts", "tests/e2e/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    benchmark: {
      include: ["tests/bench/**/*.bench.ts"],
    },
  },
});

/**
 * pardis: what notebooks import. Parallel pools, the node API, the simulator,
 * the real cluster and the checkers arrive as their issues land; the display
 * layer is here from the start because every one of them draws through it.
 */
export * from "./core/index.js";
export * from "./viz/index.js";
export * from "./pool/index.js";
export * from "./sync/index.js";
export * from "./explore/index.js";
export * from "./node/index.js";
export * from "./sim/index.js";
export * from "./check/index.js";
export * from "./net/index.js";

export * from "./messages.js";
export * from "./errors.js";
export { Signer, decode, encode, makeHeader, DELIMITER, type Outgoing } from "./wire.js";

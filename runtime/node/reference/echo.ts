import type { NodeContext } from "../context.js";

/** Maelstrom's first exercise: answer every echo with echo_ok and the same payload. */
export function echoNode(node: NodeContext): void {
  node.on<{ type: "echo"; echo: unknown }>("echo", (msg) => ({ type: "echo_ok", echo: msg.body.echo }));
}

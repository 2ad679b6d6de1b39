import type { NodeContext } from "../context.js";
import { withRecipe } from "../program.js";

/** Maelstrom's first exercise: answer every echo with echo_ok and the same payload. */
export const echoNode = withRecipe(function echoNode(node: NodeContext): void {
  node.on<{ type: "echo"; echo: unknown }>("echo", (msg) => ({ type: "echo_ok", echo: msg.body.echo }));
}, "echoNode");

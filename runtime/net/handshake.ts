import type * as zmq from "zeromq";

/**
 * Resolves true once a connecting socket is connected to its peer (the ZeroMQ
 * handshake completed and no disconnect since: after a peer restarts, the
 * socket reconnects by itself, and this waits for that), or false after
 * `timeoutMs`. Links use `immediate`, so a
 * message sent before the handshake fails at once ("unreachable"); whoever
 * needs a link to work right away (a node starting its program, the
 * controller before it reports a node up) waits for this first.
 */
export function handshake(socket: zmq.Socket): (timeoutMs: number) => Promise<boolean> {
  let done = false;
  const waiters: Array<(ok: boolean) => void> = [];
  socket.events.on("handshake", () => {
    done = true;
    for (const wake of waiters.splice(0)) wake(true);
  });
  socket.events.on("disconnect", () => {
    done = false;
  });
  return (timeoutMs) =>
    done
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          waiters.push((ok) => {
            clearTimeout(timer);
            resolve(ok);
          });
        });
}

// The raw side of tests/bench/net.bench.ts: one of two plain Node processes
// talking over ZeroMQ with nothing of pardis in between. The topology is the
// cluster's: each process binds one PULL socket and PUSHes to the other's, over
// tcp loopback, and every message is JSON-encoded by its sender and decoded by
// its receiver.
//
//   node net-raw-peer.mjs b            binds, prints {"address"}; answers "ping"
//                                      with "pong" (the same body back, re-encoded);
//                                      counts "m" messages and, once it has
//                                      body.of of them, sends "done"
//   node net-raw-peer.mjs a <address>  connects to b, prints {"ready":true}, then
//                                      obeys one JSON command per stdin line:
//                                        {"cmd":"rtt","n":N,"pad":"..."}     N sequential awaited round trips
//                                        {"cmd":"oneway","m":M,"pad":"..."}  M one-way messages, until b's "done"
//                                      and prints {"ms":elapsed} for each
//
// Both exit when their stdin closes (the bench ended, however it ended).
import { createInterface } from "node:readline";
import * as zmq from "zeromq";

const role = process.argv[2];
const pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: 100_000 });
const push = new zmq.Push({ linger: 0, sendHighWaterMark: 100_000 });
await pull.bind("tcp://127.0.0.1:*");
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (role === "b") {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
  say({ address: pull.lastEndpoint });
  let got = 0;
  for await (const [frame] of pull) {
    const body = JSON.parse(frame.toString("utf8"));
    if (body.type === "m") {
      if (++got === body.of) {
        got = 0;
        await push.send(JSON.stringify({ type: "done", n: body.of }));
      }
    } else if (body.type === "ping") {
      await push.send(JSON.stringify({ type: "pong", i: body.i, pad: body.pad }));
    } else if (body.type === "hello") {
      push.connect(body.address);
      await push.send(JSON.stringify({ type: "hello_ok" }));
    }
  }
} else {
  push.connect(process.argv[3]);
  await push.send(JSON.stringify({ type: "hello", address: pull.lastEndpoint }));
  const receive = async () => JSON.parse((await pull.receive())[0].toString("utf8"));
  if ((await receive()).type !== "hello_ok") throw new Error("no hello_ok from b");
  say({ ready: true });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = JSON.parse(line);
    const started = performance.now();
    if (command.cmd === "rtt") {
      for (let i = 0; i < command.n; i++) {
        await push.send(JSON.stringify({ type: "ping", i, pad: command.pad }));
        if ((await receive()).i !== i) throw new Error("pong out of order");
      }
    } else if (command.cmd === "oneway") {
      for (let i = 0; i < command.m; i++) await push.send(JSON.stringify({ type: "m", i, of: command.m, pad: command.pad }));
      if ((await receive()).n !== command.m) throw new Error("bad done");
    }
    say({ ms: performance.now() - started });
  }
  process.exit(0);
}

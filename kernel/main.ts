#!/usr/bin/env node
/**
 * The kernel process. Its main thread owns the sockets and never runs learner
 * code; cells run in the executor worker (kernel/ts/worker-main.ts).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { readConnection } from "./connection.js";
import { Dispatcher } from "./dispatch.js";
import { ExecutorHost } from "./executor/host.js";
import { watchParent } from "./parent-watch.js";
import { packageRoot } from "./paths.js";
import { Reaper } from "./reaper.js";
import { ZmqTransport } from "./transport/zmq.js";

export interface StartOptions {
  connectionFile: string;
  log?: (line: string) => void;
}

export async function startKernel(options: StartOptions): Promise<{ stop(): Promise<void> }> {
  const log = options.log ?? ((line: string) => process.stderr.write(line.endsWith("\n") ? line : `${line}\n`));
  const info = readConnection(options.connectionFile);
  const root = packageRoot();
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;
  const session = randomUUID();
  const reaper = new Reaper();
  const transport = new ZmqTransport(info, { log, session });
  const interpreter = new ExecutorHost({
    workerUrl: pathToFileURL(join(root, "dist", "kernel", "ts", "worker-main.js")),
    pardisRoot: root,
    cwd: process.cwd(),
    log,
    onChild: (pid) => reaper.watch(pid),
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await interpreter.shutdown();
      await transport.stop();
    })());
  const dispatcher = new Dispatcher(transport, interpreter, {
    version,
    session,
    log,
    onShutdown: () => void stop().then(() => process.exit(0)),
  });
  await transport.start();
  dispatcher.start();
  // Jupyter interrupts in signal mode by sending SIGINT (to the kernel's process group).
  process.on("SIGINT", () => void dispatcher.interrupt());
  process.on("SIGTERM", () => void stop().then(() => process.exit(0)));
  watchParent(() => {
    log("[pardis] the process that started this kernel is gone; shutting down");
    void stop().then(() => process.exit(0));
  });
  return { stop };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index >= 0) return process.argv[index + 1];
  const inline = process.argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

const isEntry = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  const connectionFile = argument("--connection-file") ?? argument("-f");
  if (!connectionFile) {
    process.stderr.write("usage: pardis kernel start --connection-file FILE\n");
    process.exit(2);
  }
  startKernel({ connectionFile }).catch((error) => {
    process.stderr.write(`[pardis] kernel failed to start: ${String(error?.stack ?? error)}\n`);
    process.exit(1);
  });
}

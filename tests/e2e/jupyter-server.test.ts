/**
 * The kernel through a real Jupyter Server, driven by @jupyterlab/services (the
 * client library JupyterLab's own front end uses): websocket transport, the
 * server's interrupt and restart, and comms in both directions.
 *
 *   services (ws) ──> jupyter server ──(ZeroMQ)──> pardis kernel
 */
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { startJupyterLab, type JupyterLab } from "../support/jupyter-server.js";

let lab: JupyterLab;
let manager: KernelManager;
let kernel: Kernel.IKernelConnection;

interface Run {
  reply: KernelMessage.IExecuteReplyMsg;
  outputs: KernelMessage.IIOPubMessage[];
}

/** Runs a cell and collects its iopub messages until the reply and idle have both arrived. */
async function run(code: string, whileRunning?: (future: Kernel.IShellFuture) => void): Promise<Run> {
  const outputs: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code, stop_on_error: false });
  future.onIOPub = (message) => void outputs.push(message);
  whileRunning?.(future);
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  return { reply, outputs };
}

const textOf = (run: Run) =>
  run.outputs.flatMap((m) => (m.header.msg_type === "execute_result" ? [(m.content as { data: Record<string, string> }).data["text/plain"]] : []));
const errorOf = (run: Run) => run.outputs.find((m) => m.header.msg_type === "error")?.content as KernelMessage.IErrorMsg["content"] | undefined;

beforeAll(async () => {
  lab = await startJupyterLab();
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: `${lab.baseUrl}/`,
    wsUrl: lab.baseUrl.replace(/^http/, "ws") + "/",
    token: lab.token,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    appendToken: true,
  });
  manager = new KernelManager({ serverSettings });
  await manager.ready;
  kernel = await manager.startNew({ name: "pardis" });
  await kernel.info;
});

afterAll(async () => {
  try {
    await kernel?.shutdown();
  } catch {
    // the server's stop below removes it anyway
  }
  manager?.dispose();
  await lab?.stop();
});

describe("pardis through Jupyter Server", () => {
  test("kernel_info arrives over the websocket with TypeScript language info", async () => {
    const info = await kernel.info;
    expect(info.implementation).toBe("pardis");
    expect(info.language_info.name).toBe("typescript");
    expect(info.language_info.file_extension).toBe(".ts");
  });

  test("a cell's result and printed text reach the client", async () => {
    const result = await run('const nodes: number = 3;\nconsole.log("hello");\nnodes * 2');
    expect(result.reply.content.status).toBe("ok");
    expect(textOf(result)).toEqual(["6"]);
    const stream = result.outputs.find((m) => m.header.msg_type === "stream")?.content as { text: string };
    expect(stream.text).toBe("hello\n");
  });

  test("the server's interrupt stops a busy loop and keeps state", async () => {
    const spun = await run('const before = "kept";\nlet spins = 0;\nconsole.log("spinning");\nwhile (true) spins++;', (future) => {
      // Interrupt once the loop is visibly running: the cell's own output says so.
      const original = future.onIOPub;
      future.onIOPub = (message) => {
        original?.(message);
        if (message.header.msg_type === "stream") void kernel.interrupt();
      };
    });
    expect(spun.reply.content.status).toBe("error");
    expect(errorOf(spun)?.ename).toBe("InterruptError");
    const after = await run("`${before} ${spins > 0}`");
    expect(textOf(after)).toEqual(["'kept true'"]);
  });

  test("comms open from the kernel reach a frontend target, and messages flow both ways", async () => {
    const received: Array<Record<string, unknown>> = [];
    let frontendComm: Kernel.IComm | undefined;
    kernel.registerCommTarget("pardis-test", (comm, open) => {
      frontendComm = comm;
      received.push(open.content.data as Record<string, unknown>);
      comm.onMsg = (message) => void received.push(message.content.data as Record<string, unknown>);
    });
    const opened = await run(
      'import { openComm } from "pardis";\n' +
        'const comm = openComm("pardis-test", { hello: "from the kernel" });\n' +
        "const echoes: unknown[] = [];\n" +
        "comm.onMessage((data) => echoes.push(data));\n" +
        'comm.send({ step: 1 });\ncomm.commId',
    );
    expect(opened.reply.content.status).toBe("ok");
    const commId = JSON.parse(textOf(opened)[0]!.replace(/'/g, '"')) as string;
    expect(frontendComm?.commId).toBe(commId);
    expect(received).toEqual([{ hello: "from the kernel" }, { step: 1 }]);

    // Frontend → kernel; then comm_info lists the comm while it is open.
    await frontendComm!.send({ reply: "from the frontend" }).done;
    const info = await kernel.requestCommInfo({ target_name: "pardis-test" });
    expect(Object.keys((info.content as { comms: Record<string, unknown> }).comms)).toContain(commId);
    const echoes = await run("JSON.stringify(echoes)");
    expect(textOf(echoes)).toEqual([`'[{"reply":"from the frontend"}]'`]);
  });

  test("comms opened by the frontend reach a target registered in a cell", async () => {
    const registered = await run(
      'import { registerCommTarget } from "pardis";\n' +
        "const seen: unknown[] = [];\n" +
        'registerCommTarget("pardis-echo", (comm, data) => { seen.push(data); comm.onMessage((m) => comm.send({ echo: m })); });',
    );
    expect(registered.reply.content.status).toBe("ok");
    const comm = kernel.createComm("pardis-echo");
    const echoed = new Promise<unknown>((resolve) => (comm.onMsg = (message) => resolve(message.content.data)));
    await comm.open({ opened: true }).done;
    await comm.send({ ping: 1 }).done;
    expect(await echoed).toEqual({ echo: { ping: 1 } });
    expect(textOf(await run("JSON.stringify(seen)"))).toEqual([`'[{"opened":true}]'`]);
  });

  test("restart through the server gives a fresh kernel that answers", async () => {
    await kernel.restart();
    const after = await run("typeof globalThis.nodes === 'undefined' ? 'fresh' : 'stale'");
    expect(textOf(after)).toEqual(["'fresh'"]);
    const missing = await run("nodes");
    expect(errorOf(missing)?.ename).toBe("TypeScriptError");
    expect(errorOf(missing)?.evalue).toContain("Cannot find name 'nodes'");
  });
});

/**
 * `pardis node --join tcp://HOST:PORT --id ID --host ADDR [--data DIR]`:
 * runs one node of a multi-host cluster on this machine (see agent.ts). The
 * `pardis` command starts this file as its own process.
 */
import { runAgent } from "./agent.js";

const USAGE = "usage: pardis node --join tcp://HOST:PORT --id NODE_ID --host THIS_MACHINES_ADDRESS [--data DIR]";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

const args = process.argv.slice(2);
const join = option(args, "--join");
const id = option(args, "--id");
const host = option(args, "--host");
const dataDir = option(args, "--data");
if (!join || !/^tcp:\/\/[^:]+:\d+$/.test(join) || !id || !host) {
  process.stderr.write(`pardis node: ${!join ? "--join is required" : !/^tcp:\/\/[^:]+:\d+$/.test(join) ? `--join must be tcp://HOST:PORT, got ${join}` : !id ? "--id is required" : "--host is required"}\n${USAGE}\n`);
  process.exit(2);
}
process.exit(await runAgent({ join, id, host, ...(dataDir !== undefined ? { dataDir } : {}) }));

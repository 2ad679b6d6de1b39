/**
 * The explored shared memory: Int32 cells, like an Int32Array over a
 * SharedArrayBuffer, with names so that logs say "counter" instead of "3".
 */
import type { CellRef, CellAddresses, MemorySpec, CellValues } from "./types.js";

export interface MemoryLayout<M extends MemorySpec = MemorySpec> {
  /** The name of each cell, by index: "counter", "flags[0]", ... */
  readonly names: readonly string[];
  readonly initial: Int32Array;
  readonly addresses: CellAddresses<M>;
  /** The index of a cell given by index or name; throws a TypeError naming the known cells otherwise. */
  resolve(addr: CellRef): number;
  /** Final values shaped like the spec, for `program.check`. */
  values(cells: Int32Array): CellValues<M>;
}

function isInt32(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff;
}

export function memoryLayout<M extends MemorySpec>(spec: M): MemoryLayout<M> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(`Expected \`memory\` to be an object of named Int32 cells like { counter: 0 }, got \`${String(spec)}\` (${typeof spec})`);
  }
  const names: string[] = [];
  const initial: number[] = [];
  const addresses: Record<string, number | number[]> = {};
  for (const [name, value] of Object.entries(spec)) {
    if (Array.isArray(value)) {
      const base = names.length;
      value.forEach((cell, i) => {
        if (!isInt32(cell)) throw new TypeError(`Expected memory cell \`${name}[${i}]\` to be an Int32 integer, got \`${String(cell)}\` (${typeof cell})`);
        names.push(`${name}[${i}]`);
        initial.push(cell);
      });
      addresses[name] = value.map((_, i) => base + i);
    } else {
      if (!isInt32(value)) throw new TypeError(`Expected memory cell \`${name}\` to be an Int32 integer, got \`${String(value)}\` (${typeof value})`);
      addresses[name] = names.length;
      names.push(name);
      initial.push(value as number);
    }
  }
  const index = new Map(names.map((name, i) => [name, i]));
  const known = (): string => (names.length === 0 ? "the program declares no memory" : `known cells: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", ..." : ""}`);

  return {
    names,
    initial: Int32Array.from(initial),
    addresses: addresses as CellAddresses<M>,
    resolve(addr) {
      if (typeof addr === "number") {
        if (Number.isInteger(addr) && addr >= 0 && addr < names.length) return addr;
        throw new TypeError(`Expected a cell index from 0 to ${names.length - 1}, got \`${addr}\` (${known()})`);
      }
      const found = index.get(addr);
      if (found !== undefined) return found;
      if (typeof addr === "string" && Array.isArray(spec[addr])) {
        throw new TypeError(`\`${addr}\` is an array of cells; address one of them, like "${addr}[0]" or t.mem.${addr}[i]`);
      }
      throw new TypeError(`Unknown memory cell \`${String(addr)}\` (${typeof addr}); ${known()}`);
    },
    values(cells) {
      const out: Record<string, number | number[]> = {};
      for (const [name, at] of Object.entries(addresses)) {
        out[name] = Array.isArray(at) ? at.map((i) => cells[i]!) : cells[at as number]!;
      }
      return out as CellValues<M>;
    },
  };
}

/**
 * Just enough of the source map format to answer "which source line produced
 * generated line N": a VLQ decoder that keeps the first mapped segment of each line.
 */
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`Invalid base64 VLQ digit ${JSON.stringify(char)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** Zero-based source line for each zero-based generated line (undefined where nothing maps). */
export function generatedToSourceLines(mappings: string): Array<number | undefined> {
  const table: Array<number | undefined> = [];
  let sourceLine = 0;
  for (const line of mappings.split(";")) {
    let first: number | undefined;
    for (const segment of line.split(",")) {
      if (!segment) continue;
      const fields = decodeSegment(segment);
      if (fields.length < 4) continue;
      sourceLine += fields[2]!;
      first ??= sourceLine;
    }
    table.push(first);
  }
  return table;
}

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** Splits generated code from its inline source map; returns the code without the comment. */
export function takeInlineMap(code: string): { code: string; mappings?: string } {
  const match = INLINE_MAP.exec(code);
  if (!match) return { code };
  const map = JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8")) as { mappings: string };
  return { code: code.slice(0, match.index), mappings: map.mappings };
}

/** Composes two line tables: outer maps final → intermediate, inner maps intermediate → source. */
export function composeLines(
  outer: Array<number | undefined>,
  inner: Array<number | undefined>,
): Array<number | undefined> {
  return outer.map((line) => (line === undefined ? undefined : inner[line]));
}

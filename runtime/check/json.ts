/** JSON with object keys sorted, so values that are equal compare equal as strings ({a,b} and {b,a} alike). */
export const canonicalJson = (value: unknown): string => JSON.stringify(canonical(value)) ?? "null";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

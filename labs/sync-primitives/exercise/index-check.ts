/** Both kinds of Cells refuse an index outside the primitive's own cells, with the same message. */
export function indexChecker(length: number): (index: number) => number {
  return (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new RangeError(`cell index ${String(index)} is outside this primitive's cells (0 to ${length - 1})`);
    }
    return index;
  };
}

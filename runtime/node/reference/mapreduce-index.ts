/**
 * The job the MapReduce reference runs: an inverted index (term → the sorted
 * ids of the documents that contain it), the "search engine" of the course.
 * Pure functions, so the same map and reduce run on a worker, in a test, and
 * in the checker's sequential computation.
 */

/** One input document. Ids are compared as strings (code-unit order), so the order of a posting list does not depend on a locale. */
export interface IndexDocument {
  id: string;
  text: string;
}

/** A (term, document id) pair: what map emits and reduce consumes. */
export type Posting = [term: string, docId: string];

/** An inverted index, or one reduce task's share of it: [term, sorted document ids], sorted by term. */
export type IndexEntries = Array<[term: string, docIds: string[]]>;

/** Code-unit order: the same on every machine, unlike localeCompare. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The terms of a text: lower-cased runs of letters and digits, each once, in order of first appearance. */
export function indexTerms(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
}

/** Map: each term of each document, once per document (so a posting appears twice only if a task's output was counted twice). */
export function mapDocuments(documents: readonly IndexDocument[]): Posting[] {
  return documents.flatMap((doc) => indexTerms(doc.text).map((term): Posting => [term, doc.id]));
}

/**
 * Which reduce task gets a term: FNV-1a over its UTF-16 code units, modulo the
 * number of reduce tasks. Deterministic and the same on every node, so every
 * map task sends a term to the same reduce task.
 */
export function partitionOf(term: string, reduceTasks: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % reduceTasks;
}

/** Splits a map task's postings into one bucket per reduce task. */
export function partitionPostings(postings: readonly Posting[], reduceTasks: number): Posting[][] {
  const buckets: Posting[][] = Array.from({ length: reduceTasks }, () => []);
  for (const posting of postings) buckets[partitionOf(posting[0], reduceTasks)]!.push(posting);
  return buckets;
}

/**
 * Reduce: groups postings by term and sorts each posting list and the terms.
 * It deliberately keeps duplicates: map emits a (term, document) pair once, so
 * a duplicate means a task's output was counted twice, and hiding it here
 * would hide a bug in the commit protocol from the checker. `sort: false` is
 * the broken variant that keeps arrival order.
 */
export function reducePostings(postings: readonly Posting[], options: { sort?: boolean } = {}): IndexEntries {
  const byTerm = new Map<string, string[]>();
  for (const [term, docId] of postings) {
    const list = byTerm.get(term);
    if (list === undefined) byTerm.set(term, [docId]);
    else list.push(docId);
  }
  const entries: IndexEntries = [...byTerm.entries()].sort((a, b) => compareStrings(a[0], b[0]));
  if (options.sort !== false) for (const [, docIds] of entries) docIds.sort(compareStrings);
  return entries;
}

/** The whole index computed in one place, one document after another: what a correct distributed run must produce. */
export function sequentialInvertedIndex(documents: readonly IndexDocument[]): IndexEntries {
  return reducePostings(mapDocuments(documents));
}

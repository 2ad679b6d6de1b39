/**
 * The course's notebooks as tests see them: their order, cells with tags, and
 * the concepts of the course (the list) with the tag that marks the
 * cells teaching each. Conventions: README.md, "The course".
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./kernel-client.js";

export const notebooksDir = join(repoRoot, "notebooks");

export const CONCEPTS = {
  "parallel-vs-distributed": "Parallel vs distributed: definitions, key differences, the kitchen analogy",
  "parallel-processing": "Parallel processing: decomposition, grain, speedup, Amdahl and Gustafson, PRAM",
  "shared-memory": "Shared memory and synchronization: races, locks, barriers, atomics, semaphores, deadlock",
  "parallel-in-practice": "Parallel in practice: grid simulation with halo exchange, parallel rendering",
  "distributed-processing": "Distributed processing: message passing, latency, coarse grain, fine-grain-over-network mistake",
  "fault-tolerance": "Failures and fault tolerance: crash, heartbeats, replication, checkpoints, load balancing, redundancy is not resilience",
  "consistency-consensus": "Consistency and consensus: CAP, CRDT, leader election, replicated log, linearizability",
  "distributed-in-practice": "Distributed in practice: MapReduce inverted index, blockchain-style ledger",
  "both-at-once": "Both at once: parallel inside nodes, distributed across them, a real cluster",
  "models-and-theory": "Models and theory: PRAM vs message passing, the FAQ answered by experiments",
} as const;
export type Concept = keyof typeof CONCEPTS;

export interface CourseCell {
  cell_type: "markdown" | "code" | "raw";
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: Array<{ output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string }>;
  execution_count?: number | null;
}

export interface CourseNotebook {
  file: string;
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name?: string } };
  cells: CourseCell[];
}

/** The course in order: NN-name.ipynb files, 00 first. */
export function courseFiles(): string[] {
  return readdirSync(notebooksDir).filter((file) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(file)).sort();
}

export function readCourseNotebook(file: string): CourseNotebook {
  return { file, ...(JSON.parse(readFileSync(join(notebooksDir, file), "utf8")) as Omit<CourseNotebook, "file">) };
}

export const tags = (cell: CourseCell): string[] => cell.metadata.tags ?? [];
export const text = (source: string | string[]): string => (Array.isArray(source) ? source.join("") : source);

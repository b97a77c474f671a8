// Figures the benchmarks share.
import { readFileSync } from 'node:fs';

/** The sorted values' element at index floor(q × n): for an even count the median is the upper middle one. */
export const percentile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(q * values.length)];
export const median = (values) => percentile(values, 0.5);
export const p99 = (values) => percentile(values, 0.99);

/** A process's resident memory (Linux /proc). */
export const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

/** Small helpers the bench's parts share. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

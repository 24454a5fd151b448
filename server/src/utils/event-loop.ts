/**
 * better-sqlite3 answers synchronously, so a loop of queries never leaves the microtask queue:
 * without a turn of the event loop now and then, HTTP requests (progress polls, other editors)
 * would wait for the whole loop.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

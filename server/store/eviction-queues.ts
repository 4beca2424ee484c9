// Who goes first when a collection is full: one FIFO queue per eviction class, lowest class first, O(1) amortised.

/**
 * Records enter their class's queue in seq order. `pop` hands out the oldest record of the lowest class
 * still `isLive` (records deleted meanwhile are skipped, each at most once), so choosing what to evict
 * never scans the store. `touched` counts records looked at, for tests that prove the cost per append.
 */
export class EvictionQueues<T> {
  #queues: Array<{ items: T[]; head: number }>;
  #classOf: (record: T) => number;
  touched = 0;

  constructor(classes: number, classOf: (record: T) => number) {
    this.#queues = Array.from({ length: classes }, () => ({ items: [], head: 0 }));
    this.#classOf = classOf;
  }

  push(record: T): void {
    this.#queues[this.#classOf(record)]!.items.push(record);
  }

  /** The next record to evict, taken out of its queue; undefined when every queue is empty. */
  pop(isLive: (record: T) => boolean): T | undefined {
    for (const queue of this.#queues) {
      while (queue.head < queue.items.length) {
        const record = queue.items[queue.head]!;
        queue.items[queue.head] = undefined as unknown as T;
        queue.head += 1;
        this.touched += 1;
        if (queue.head > 1024 && queue.head * 2 > queue.items.length) {
          queue.items = queue.items.slice(queue.head);
          queue.head = 0;
        }
        if (isLive(record)) return record;
      }
    }
    return undefined;
  }

  /** Rebuilds every queue from `records` (ascending seq): after a failed write gave back records it had taken. */
  rebuild(records: Iterable<T>): void {
    for (const queue of this.#queues) {
      queue.items = [];
      queue.head = 0;
    }
    for (const record of records) this.push(record);
  }
}

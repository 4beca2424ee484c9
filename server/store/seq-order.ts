// Records in ascending seq with O(1) amortised removal anywhere (tombstones, compacted when half are gone).

/** Appends must come in ascending seq. Removal leaves a hole; holes are squeezed out once they are half the slots. */
export class SeqOrder<T extends { seq: number }> {
  #slots: Array<T | null> = [];
  #seqs: number[] = [];
  #holes = 0;

  get size(): number {
    return this.#slots.length - this.#holes;
  }

  push(record: T): void {
    this.#slots.push(record);
    this.#seqs.push(record.seq);
  }

  /** Removes the record at its seq (binary search); false when it is not here. */
  remove(record: T): boolean {
    const index = this.#indexOf(record.seq);
    if (index < 0 || this.#slots[index] !== record) return false;
    this.#slots[index] = null;
    this.#holes += 1;
    if (this.#holes > 64 && this.#holes * 2 > this.#slots.length) this.#compact();
    return true;
  }

  /** Puts `next` where `old` was (same seq). */
  replace(old: T, next: T): void {
    const index = this.#indexOf(old.seq);
    if (index >= 0 && this.#slots[index] === old) this.#slots[index] = next;
  }

  /** Every record, oldest first, as a new array (a snapshot that later changes do not touch). */
  toArray(): T[] {
    const records: T[] = [];
    for (const record of this.#slots) if (record) records.push(record);
    return records;
  }

  /** The oldest record, if any. */
  first(): T | undefined {
    for (const record of this.ascending(0)) return record;
    return undefined;
  }

  /** Oldest first, from the first record whose seq is > `afterSeq`. */
  *ascending(afterSeq: number): Generator<T> {
    for (let index = this.#lowerBound(afterSeq + 1); index < this.#slots.length; index++) {
      const record = this.#slots[index];
      if (record) yield record;
    }
  }

  /** Newest first, from the last record whose seq is < `beforeSeq`. */
  *descending(beforeSeq = Number.POSITIVE_INFINITY): Generator<T> {
    for (let index = this.#lowerBound(beforeSeq) - 1; index >= 0; index--) {
      const record = this.#slots[index];
      if (record) yield record;
    }
  }

  #indexOf(seq: number): number {
    const index = this.#lowerBound(seq);
    return this.#seqs[index] === seq ? index : -1;
  }

  /** Index of the first slot whose seq is >= `seq` (holes keep their seq, so the search stays exact). */
  #lowerBound(seq: number): number {
    let low = 0;
    let high = this.#seqs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#seqs[middle]! < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #compact(): void {
    const slots: T[] = [];
    for (const record of this.#slots) if (record) slots.push(record);
    this.#slots = slots;
    this.#seqs = slots.map((record) => record.seq);
    this.#holes = 0;
  }
}

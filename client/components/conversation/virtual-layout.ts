/**
 * Where each row of a virtualized list sits. Rows have different heights (a line of text, a photo,
 * a voice clip, a day separator): a row's height is estimated until it has been on screen and
 * measured. Offsets are summed again after a change (linear in the few hundred rows held); the rows
 * in view are found by binary search. Heights are kept only for the rows the list holds now, so a
 * long scroll through history does not grow it.
 */
export class VirtualLayout {
  #keys: readonly string[] = [];
  #index = new Map<string, number>();
  readonly #measured = new Map<string, number>();
  #estimates: readonly number[] = [];
  /** `#offsets[i]`: the top of row i; `#offsets[count]`: the total height. Null: to be summed. */
  #offsets: Float64Array | null = null;

  /**
   * The rows in order, by key, and the height each is guessed to have until it is measured. False
   * when they are the rows held already, with the same guesses (a message's state changed): nothing
   * moves then.
   */
  setRows(keys: readonly string[], estimate: (index: number) => number): boolean {
    const estimates = keys.map((_, i) => estimate(i));
    if (sameList(keys, this.#keys) && sameList(estimates, this.#estimates)) return false;
    this.#keys = keys;
    this.#index = new Map(keys.map((key, i) => [key, i]));
    for (const key of this.#measured.keys()) if (!this.#index.has(key)) this.#measured.delete(key);
    this.#estimates = estimates;
    this.#offsets = null;
    return true;
  }

  /** Records row `key`'s height as it rendered; true when that moves the rows after it. */
  measure(key: string, height: number): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    const before = this.heightAt(i);
    this.#measured.set(key, height);
    if (Math.abs(before - height) < 0.5) return false;
    this.#offsets = null;
    return true;
  }

  get count(): number {
    return this.#keys.length;
  }

  keyAt(index: number): string | undefined {
    return this.#keys[index];
  }

  indexOf(key: string): number | undefined {
    return this.#index.get(key);
  }

  heightAt(index: number): number {
    const key = this.#keys[index];
    return (key === undefined ? undefined : this.#measured.get(key)) ?? this.#estimates[index] ?? 0;
  }

  /** The top of row `index`; `count` gives the bottom of the last row. */
  offsetAt(index: number): number {
    const offsets = this.#sum();
    return offsets[Math.max(0, Math.min(index, this.#keys.length))] ?? 0;
  }

  get total(): number {
    return this.offsetAt(this.#keys.length);
  }

  /** The rows `[start, end)` that overlap `[top, bottom)`. */
  range(top: number, bottom: number): { start: number; end: number } {
    const count = this.#keys.length;
    // The first row whose bottom is below `top`, then the first whose top is at or below `bottom`.
    const start = this.#firstWhere((i) => this.offsetAt(i + 1) > top, count);
    const end = this.#firstWhere((i) => this.offsetAt(i) >= bottom, count);
    return { start, end: Math.max(start, end) };
  }

  /** The first index in [0, count) where `test` holds (it holds for all after it), else count. */
  #firstWhere(test: (index: number) => boolean, count: number): number {
    let low = 0;
    let high = count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (test(mid)) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  #sum(): Float64Array {
    if (this.#offsets) return this.#offsets;
    const offsets = new Float64Array(this.#keys.length + 1);
    for (let i = 0; i < this.#keys.length; i += 1) offsets[i + 1] = offsets[i]! + this.heightAt(i);
    this.#offsets = offsets;
    return offsets;
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

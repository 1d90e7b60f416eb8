/**
 * The simulation's event queue: a binary min-heap keyed (time, priority, seq), stored in parallel
 * typed arrays so that pushing and popping allocates nothing. `seq` makes equal keys pop in
 * insertion order, which keeps runs deterministic. Must not import anything.
 */

export class EventHeap {
  private time = new Float64Array(64);
  private key2 = new Float64Array(64); // priority * 2^32 + seq
  private kind = new Int32Array(64);
  private gen = new Float64Array(64);
  private n = 0;
  private seq = 0;
  /** Events popped so far (the bench compares the engine with a bare heap loop of as many). */
  popped = 0;

  get size(): number {
    return this.n;
  }

  push(time: number, priority: number, kind: number, generation: number): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const k2 = priority * 4294967296 + this.seq++;
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(time, k2, p)) {
        this.move(p, i);
        i = p;
      } else break;
    }
    this.time[i] = time;
    this.key2[i] = k2;
    this.kind[i] = kind;
    this.gen[i] = generation;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  /** Removes the earliest event; read it with lastTime/lastKind/lastGeneration. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.popped++;
    this.lastTime = this.time[0]!;
    this.lastKind = this.kind[0]!;
    this.lastGeneration = this.gen[0]!;
    const last = --this.n;
    if (last > 0) {
      const t = this.time[last]!;
      const k2 = this.key2[last]!;
      const kd = this.kind[last]!;
      const g = this.gen[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.lessIdx(r, l) ? r : l;
        if (this.lessThanKey(c, t, k2)) {
          this.move(c, i);
          i = c;
        } else break;
      }
      this.time[i] = t;
      this.key2[i] = k2;
      this.kind[i] = kd;
      this.gen[i] = g;
    }
    return true;
  }

  lastTime = 0;
  lastKind = 0;
  lastGeneration = 0;

  private lessThanKey(i: number, t: number, k2: number): boolean {
    const ti = this.time[i]!;
    return ti < t || (ti === t && this.key2[i]! < k2);
  }

  private less(t: number, k2: number, i: number): boolean {
    const ti = this.time[i]!;
    return t < ti || (t === ti && k2 < this.key2[i]!);
  }

  private lessIdx(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.key2[a]! < this.key2[b]!);
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.key2[to] = this.key2[from]!;
    this.kind[to] = this.kind[from]!;
    this.gen[to] = this.gen[from]!;
  }

  private grow(): void {
    const size = this.time.length * 2;
    const t = new Float64Array(size);
    t.set(this.time);
    this.time = t;
    const k = new Float64Array(size);
    k.set(this.key2);
    this.key2 = k;
    const kd = new Int32Array(size);
    kd.set(this.kind);
    this.kind = kd;
    const g = new Float64Array(size);
    g.set(this.gen);
    this.gen = g;
  }
}

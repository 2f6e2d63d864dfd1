/**
 * Records on their way between operators: values and their event timestamps in two parallel
 * arrays, the first `length` entries valid. Batches are reused; a consumer must copy anything it
 * keeps beyond the call that handed it the batch.
 */
export interface Batch<T> {
  readonly values: T[];
  readonly times: number[];
  readonly length: number;
}

/** Receives batches and watermarks: what an output buffer delivers to. */
export interface BatchTarget {
  receive(batch: Batch<unknown>, input: number): void;
  onInputWatermark(input: number, watermark: number): void;
  onInputIdle(input: number, idle: boolean): void;
}

/**
 * An operator's output: appends records and hands them to every consumer when full or when the
 * operator's call returns.
 *
 * @example
 * const out = new OutputBuffer(1024);
 * out.connect(nextNode, 0);
 * out.emit(value, ts); out.flush();
 */
export class OutputBuffer<T> implements Batch<T> {
  values: T[] = [];
  times: number[] = [];
  length = 0;
  /** Records handed on so far (for metrics). */
  emitted = 0;
  private readonly targets: BatchTarget[] = [];
  private readonly inputs: number[] = [];

  constructor(private readonly capacity: number) {}

  connect(target: BatchTarget, input: number): void {
    this.targets.push(target);
    this.inputs.push(input);
  }

  get connected(): boolean {
    return this.targets.length > 0;
  }

  emit(value: T, time: number): void {
    const n = this.length;
    this.values[n] = value;
    this.times[n] = time;
    this.length = n + 1;
    if (n + 1 >= this.capacity) this.flush();
  }

  flush(): void {
    if (this.length === 0) return;
    this.emitted += this.length;
    for (let i = 0; i < this.targets.length; i++) this.targets[i].receive(this, this.inputs[i]);
    this.length = 0;
  }

  /** Hands an upstream batch on unchanged (pass-through operators copy nothing). */
  forward(batch: Batch<T>): void {
    this.flush();
    this.emitted += batch.length;
    for (let i = 0; i < this.targets.length; i++) this.targets[i].receive(batch as Batch<unknown>, this.inputs[i]);
  }

  watermark(wm: number): void {
    for (let i = 0; i < this.targets.length; i++) this.targets[i].onInputWatermark(this.inputs[i], wm);
  }

  idle(idle: boolean): void {
    for (let i = 0; i < this.targets.length; i++) this.targets[i].onInputIdle(this.inputs[i], idle);
  }
}

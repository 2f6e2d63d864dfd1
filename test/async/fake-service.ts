/** A fake async service whose calls the test settles by hand, counting concurrency. */
export class FakeService<I, O> {
  inFlight = 0;
  maxInFlight = 0;
  readonly calls: { input: I; resolve: (v: O) => void; reject: (e: Error) => void; settled: boolean }[] = [];

  readonly call = (input: I): Promise<O> => new Promise<O>((resolve, reject) => {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const c = {
      input, settled: false,
      resolve: (v: O) => { this.done(c); resolve(v); },
      reject: (e: Error) => { this.done(c); reject(e); },
    };
    this.calls.push(c);
  });

  /** Calls not settled yet, oldest first. */
  open(): FakeService<I, O>['calls'] {
    return this.calls.filter((c) => !c.settled);
  }

  private done(c: { settled: boolean }): void {
    if (c.settled) throw new Error('settled twice');
    c.settled = true;
    this.inFlight--;
  }
}

package eddy.bench.cep;

/**
 * An event of the CEP benchmark (a Flink POJO). Event i of the run is a pure function of i, the
 * same as bench/cep/bench-events.ts: key = mix(i) mod keys, kind from other bits of mix(i), ts = i.
 */
public class BenchEvent {
  public int key;
  /** 0: A (10%), 1-3: B (30%), 4: C (10%), 5-9: other. */
  public int kind;
  public long ts;

  public BenchEvent() {}

  /** The same 32-bit mix as the TypeScript side (Math.imul and >>> there). */
  static int mix(long i) {
    int x = (int) i;
    x ^= x >>> 16;
    x *= 0x7feb352d;
    x ^= x >>> 15;
    x *= 0x846ca68b;
    x ^= x >>> 16;
    return x;
  }

  static BenchEvent of(long i, int keys) {
    BenchEvent e = new BenchEvent();
    int h = mix(i);
    e.key = Integer.remainderUnsigned(h, keys);
    e.kind = ((h >>> 24) & 0xff) % 10;
    e.ts = i;
    return e;
  }
}

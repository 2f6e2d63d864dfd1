package eddy.bench.nexmark;

/**
 * The PRNG of src/connectors/nexmark/random.ts, bit for bit: Murmur3's finaliser to seed, Mulberry32
 * to draw, and the same double arithmetic for bounded draws, so the same event id gives the same
 * event in TypeScript and in Java.
 */
final class SeededRandom {
  private static final double TWO_POW_32 = 4294967296.0;
  private static final double TWO_POW_MINUS_32 = 1 / TWO_POW_32;
  private static final double TWO_POW_MINUS_53 = 1 / 9007199254740992.0;
  private static final long EXACT_BOUND = 1L << 21;

  private int state;

  static int mix32(int x) {
    int h = x;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  void seed(long id, int stream) {
    int lo = (int) id;
    int hi = (int) (id >>> 32);
    // JS adds stream + 0x9e3779b9 as doubles, then truncates to 32 bits: the same as an int add.
    state = mix32(lo ^ mix32(hi ^ mix32(stream + 0x9e3779b9)));
  }

  void seed(long id) {
    seed(id, 0);
  }

  /** The next 32 bits, unsigned. */
  long nextUint32() {
    int s = (state = state + 0x6d2b79f5);
    int t = (s ^ (s >>> 15)) * (s | 1);
    t ^= t + (t ^ (t >>> 7)) * (t | 61);
    return Integer.toUnsignedLong(t ^ (t >>> 14));
  }

  /** A uniform integer in [0, bound). */
  long nextInt(long bound) {
    if (bound <= EXACT_BOUND) return (long) Math.floor(nextUint32() * (double) bound * TWO_POW_MINUS_32);
    long r = (long) Math.floor(nextDouble53() * bound);
    return r < bound ? r : bound - 1;
  }

  double nextDouble() {
    return nextUint32() * TWO_POW_MINUS_32;
  }

  private double nextDouble53() {
    long hi = nextUint32() >>> 11;
    long lo = nextUint32();
    return (hi * TWO_POW_32 + lo) * TWO_POW_MINUS_53;
  }
}

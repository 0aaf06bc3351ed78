package org.albertspark.prep.util;

import java.util.List;

/**
 * A small, fully specified pseudo-random generator (SplitMix64). Every random draw of corpus
 * preparation and dynamic masking goes through one of these, seeded from the run seed and a stable
 * identity (document, instance, epoch), so output never depends on partitioning, thread scheduling
 * or the JDK version.
 */
public final class Rng {
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** An RNG for a derived stream: mixes all parts into one 64-bit seed. */
  public static Rng of(long... parts) {
    return new Rng(Hashing.mix(parts));
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound), unbiased (rejection sampling on 31 bits, as java.util.Random). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    while (true) {
      int bits = (int) (nextLong() >>> 33);
      int val = bits % bound;
      if (bits - val + (bound - 1) >= 0) {
        return val;
      }
    }
  }

  /** Uniform in [lo, hi], both inclusive (Python's {@code random.randint}). */
  public int nextIntInclusive(int lo, int hi) {
    if (hi < lo) {
      throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
    }
    return lo + nextInt(hi - lo + 1);
  }

  /** Fisher-Yates shuffle. */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  public <T> void shuffle(List<T> a) {
    for (int i = a.size() - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      T t = a.get(i);
      a.set(i, a.get(j));
      a.set(j, t);
    }
  }
}

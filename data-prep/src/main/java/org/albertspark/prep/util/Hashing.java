package org.albertspark.prep.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable 64-bit hashing for seeds and keys (independent of JVM, partitioning and String.hashCode).
 */
public final class Hashing {
  private Hashing() {}

  /** The SplitMix64 finalizer: a bijective avalanche of 64 bits. */
  public static long fmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Order-sensitive combination of several 64-bit values. */
  public static long mix(long... parts) {
    long h = 0x6A09E667F3BCC909L;
    for (long p : parts) {
      h = fmix(h ^ fmix(p + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** 64-bit FNV-1a over the UTF-8 bytes, finalized. */
  public static long hash64(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h ^= (x & 0xff);
      h *= 0x100000001b3L;
    }
    return fmix(h ^ b.length);
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.albertspark.tokenizer;

import java.util.Arrays;

/** A growable byte buffer (per-call / per-thread scratch; never shared between threads). */
final class ByteBuf {
  byte[] a;
  int n;

  ByteBuf(int cap) {
    a = new byte[Math.max(16, cap)];
  }

  void clear() {
    n = 0;
  }

  void ensureExtra(int extra) {
    if (n + extra > a.length) {
      long cap = Math.max((long) a.length * 2, (long) n + extra);
      if (cap > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("text too long");
      }
      a = Arrays.copyOf(a, (int) cap);
    }
  }

  void put(byte b) {
    if (n == a.length) {
      ensureExtra(1);
    }
    a[n++] = b;
  }

  void put(byte[] src, int off, int len) {
    ensureExtra(len);
    System.arraycopy(src, off, a, n, len);
    n += len;
  }

  boolean endsWith(byte[] suffix) {
    if (n < suffix.length) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (a[n - suffix.length + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }
}

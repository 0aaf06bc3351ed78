package org.albertspark.vocab;

import java.util.Arrays;

/**
 * Sorts suffix start positions of a code-point text by their first {@code depth} code points; 0
 * separates words and ends every comparison. The seed-piece search of {@link UnigramTrainer} reads
 * its right-maximal repeats off the sorted order.
 */
final class SuffixSort {
  private SuffixSort() {}

  /**
   * Sorts {@code a} (positions in {@code text}): three-way radix quicksort of suffixes by their
   * first {@code depth} code points, with an explicit work list instead of recursion so that it
   * runs on any thread's default stack. The ranges on the list are disjoint, so the order they are
   * taken in does not change the result.
   */
  static void sort(int[] text, int[] a, int depth) {
    RangeStack todo = new RangeStack();
    todo.push(0, a.length, 0);
    while (!todo.isEmpty()) {
      int d = todo.popD(), hi = todo.popHi(), lo = todo.popLo();
      while (hi - lo > 1 && d < depth) {
        if (hi - lo < 12) {
          insertion(text, a, lo, hi, d, depth);
          break;
        }
        int mid = (lo + hi) >>> 1;
        int pa = text[a[lo] + d], pb = text[a[mid] + d], pc = text[a[hi - 1] + d];
        int pivot = Math.max(Math.min(pa, pb), Math.min(Math.max(pa, pb), pc));
        int lt = lo, gt = hi - 1, i = lo;
        while (i <= gt) {
          int c = text[a[i] + d];
          if (c < pivot) {
            swap(a, lt++, i++);
          } else if (c > pivot) {
            swap(a, i, gt--);
          } else {
            i++;
          }
        }
        todo.push(lo, lt, d);
        todo.push(gt + 1, hi, d);
        if (pivot == 0) {
          break; // all equal up to a separator
        }
        lo = lt;
        hi = gt + 1;
        d++;
      }
    }
  }

  /** A growable stack of (lo, hi, d) ranges still to sort; ranges of fewer than 2 are not kept. */
  private static final class RangeStack {
    private int[] v = new int[3 * 64];
    private int n;

    void push(int lo, int hi, int d) {
      if (hi - lo < 2) {
        return;
      }
      if (n + 3 > v.length) {
        v = Arrays.copyOf(v, v.length * 2);
      }
      v[n++] = lo;
      v[n++] = hi;
      v[n++] = d;
    }

    boolean isEmpty() {
      return n == 0;
    }

    int popD() {
      return v[--n];
    }

    int popHi() {
      return v[--n];
    }

    int popLo() {
      return v[--n];
    }
  }

  private static void insertion(int[] text, int[] a, int lo, int hi, int d, int depth) {
    for (int i = lo + 1; i < hi; i++) {
      int v = a[i];
      int j = i - 1;
      while (j >= lo && compare(text, a[j], v, d, depth) > 0) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  static int compare(int[] text, int x, int y, int d, int depth) {
    for (; d < depth; d++) {
      int a = text[x + d], b = text[y + d];
      if (a != b) {
        return Integer.compare(a, b);
      }
      if (a == 0) {
        return 0;
      }
    }
    return 0;
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

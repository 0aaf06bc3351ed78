package org.albertspark.vocab;

/** Stable merge sort of an {@code int[]} of indices with a primitive comparator (no boxing). */
final class IndexSort {
  interface IntComparator {
    int compare(int a, int b);
  }

  private IndexSort() {}

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  static void sort(int[] a, int from, int to, IntComparator c) {
    int[] tmp = new int[to - from];
    mergeSort(a, tmp, from, to, c);
  }

  static void sort(int[] a, IntComparator c) {
    sort(a, 0, a.length, c);
  }

  private static void mergeSort(int[] a, int[] tmp, int lo, int hi, IntComparator c) {
    int n = hi - lo;
    if (n < 24) {
      for (int i = lo + 1; i < hi; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= lo && c.compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(a, tmp, lo, mid, c);
    mergeSort(a, tmp, mid, hi, c);
    if (c.compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    int i = lo, j = mid, k = 0;
    while (i < mid && j < hi) {
      tmp[k++] = c.compare(a[j], a[i]) < 0 ? a[j++] : a[i++];
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    while (j < hi) {
      tmp[k++] = a[j++];
    }
    System.arraycopy(tmp, 0, a, lo, k);
  }
}

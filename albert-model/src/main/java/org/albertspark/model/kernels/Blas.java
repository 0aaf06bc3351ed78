package org.albertspark.model.kernels;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.albertspark.model.tensor.Slice;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Single-precision GEMM on row-major windows of off-heap memory, through the OpenBLAS that ND4J
 * ships. Calling cblas directly on the buffers' addresses (strides and offsets included) avoids
 * ND4J's copies: its mmul into fresh row-major arrays measured 2-15x slower than BLAS.
 */
public final class Blas {

  /**
   * Threads one model pass may use, for BLAS and for the kernels between GEMMs: system property
   * {@code albert.threads}, else every available core. Set explicitly because OpenBLAS, loaded
   * through ND4J, otherwise ran our GEMMs on one thread (measured: 195 vs 393 GFLOP/s on 2 cores).
   * An executor running several tasks at once sets it to its cores per task, or the tasks' threads
   * oversubscribe the cores.
   */
  public static final int THREADS =
      Math.max(1, Integer.getInteger("albert.threads", Runtime.getRuntime().availableProcessors()));

  static {
    org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(THREADS);
  }

  private Blas() {}

  /**
   * C = alpha · op(A) · op(B) + beta · C, all row-major. op(A) is [m,k], op(B) is [k,n], C is
   * [m,n]; lda/ldb/ldc are the row strides of A, B, C as stored, and offsets are float indices
   * within the slices.
   */
  public static void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      Slice a,
      long aOffset,
      int lda,
      Slice b,
      long bOffset,
      int ldb,
      float beta,
      Slice c,
      long cOffset,
      int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    checkExtent("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
    checkExtent("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
    checkExtent("C", c, cOffset, m, n, ldc);
    openblas_nolapack.cblas_sgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        m,
        n,
        k,
        alpha,
        a.memory().pointerAt(a.offset() + aOffset),
        lda,
        b.memory().pointerAt(b.offset() + bOffset),
        ldb,
        beta,
        c.memory().pointerAt(c.offset() + cOffset),
        ldc);
  }

  /** Fails before native code can read or write outside the slice. */
  private static void checkExtent(String what, Slice s, long offset, int rows, int cols, int ld) {
    if (rows == 0 || cols == 0) {
      return;
    }
    long last = offset + (long) (rows - 1) * ld + cols;
    if (offset < 0 || ld < cols || last > s.size()) {
      throw new IndexOutOfBoundsException(
          "GEMM operand "
              + what
              + " ["
              + rows
              + "x"
              + cols
              + ", ld "
              + ld
              + "] at "
              + offset
              + " exceeds its slice of "
              + s.size());
    }
  }
}

package org.albertspark.model.kernels;

import org.albertspark.model.tensor.Slice;

/** A dense layer y = x Wᵀ + b with W stored [out, in] as in PyTorch and HF checkpoints. */
public final class Linear {

  private Linear() {}

  /** out[rows, outDim] = in[rows, inDim] Wᵀ + b; input rows {@code inStride} floats apart. */
  public static void forward(
      Slice out,
      Slice in,
      int inStride,
      Slice weight,
      Slice bias,
      int rows,
      int inDim,
      int outDim) {
    Blas.gemm(
        false, true, rows, outDim, inDim, 1f, in, 0, inStride, weight, 0, inDim, 0f, out, 0,
        outDim);
    Elementwise.addBiasRows(out, bias, rows, outDim);
  }

  public static void forward(
      Slice out, Slice in, Slice weight, Slice bias, int rows, int inDim, int outDim) {
    forward(out, in, inDim, weight, bias, rows, inDim, outDim);
  }

  /**
   * Backward: dW += dOutᵀ in; dB += Σ_rows dOut; and, when dIn is not null, dIn = (or += when
   * {@code accumulate}) dOut W. Input rows (and dIn rows) are {@code inStride} floats apart.
   */
  public static void backward(
      Slice dIn,
      boolean accumulate,
      Slice dWeight,
      Slice dBias,
      Slice dOut,
      Slice in,
      int inStride,
      Slice weight,
      int rows,
      int inDim,
      int outDim) {
    Blas.gemm(
        true, false, outDim, inDim, rows, 1f, dOut, 0, outDim, in, 0, inStride, 1f, dWeight, 0,
        inDim);
    Elementwise.accumulateColumnSums(dBias, dOut, rows, outDim);
    if (dIn != null) {
      Blas.gemm(
          false,
          false,
          rows,
          inDim,
          outDim,
          1f,
          dOut,
          0,
          outDim,
          weight,
          0,
          inDim,
          accumulate ? 1f : 0f,
          dIn,
          0,
          inStride);
    }
  }

  public static void backward(
      Slice dIn,
      boolean accumulate,
      Slice dWeight,
      Slice dBias,
      Slice dOut,
      Slice in,
      Slice weight,
      int rows,
      int inDim,
      int outDim) {
    backward(dIn, accumulate, dWeight, dBias, dOut, in, inDim, weight, rows, inDim, outDim);
  }
}

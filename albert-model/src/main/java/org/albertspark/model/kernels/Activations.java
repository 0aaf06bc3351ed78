package org.albertspark.model.kernels;

import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.albertspark.model.config.Activation;
import org.albertspark.model.tensor.Slice;

/** Hidden activations (gelu, gelu_new, relu) and tanh, forward and backward, over n floats. */
public final class Activations {

  private static final float GELU_NEW_C = (float) Math.sqrt(2.0 / Math.PI);
  private static final float GELU_NEW_K = 0.044715f;

  private Activations() {}

  /** out = act(in); out may alias in. */
  public static void forward(Activation act, Slice out, Slice in, long n) {
    int len = Math.toIntExact(n);
    switch (act) {
      case GELU_NEW -> Parallel.forRange(len, 2, (from, to) -> geluNewForward(out, in, from, to));
      case GELU ->
          Parallel.forRange(
              len,
              16,
              (from, to) -> {
                for (int i = from; i < to; i++) {
                  double x = in.get(i);
                  out.set(i, (float) (x * Gelu.normalCdf(x)));
                }
              });
      case RELU -> {
        for (int i = 0; i < len; i++) {
          out.set(i, Math.max(0f, in.get(i)));
        }
      }
    }
  }

  /** dIn = dOut · act'(in), where {@code in} is the forward input; dIn may alias dOut. */
  public static void backward(Activation act, Slice dIn, Slice dOut, Slice in, long n) {
    int len = Math.toIntExact(n);
    switch (act) {
      case GELU_NEW ->
          Parallel.forRange(len, 3, (from, to) -> geluNewBackward(dIn, dOut, in, from, to));
      case GELU ->
          Parallel.forRange(
              len,
              16,
              (from, to) -> {
                for (int i = from; i < to; i++) {
                  double x = in.get(i);
                  dIn.set(i, (float) (dOut.get(i) * (Gelu.normalCdf(x) + x * Gelu.normalPdf(x))));
                }
              });
      case RELU -> {
        for (int i = 0; i < len; i++) {
          dIn.set(i, in.get(i) > 0 ? dOut.get(i) : 0f);
        }
      }
    }
  }

  // gelu_new(x) = 0.5 x (1 + tanh(c (x + k x³)))
  private static void geluNewForward(Slice out, Slice in, int from, int to) {
    ByteBuffer ib = Vec.buf(in), ob = Vec.buf(out);
    int i = from, bound = from + Vec.loopBound(to - from);
    for (; i < bound; i += Vec.L) {
      FloatVector x = Vec.load(ib, Vec.at(in, i));
      FloatVector u = x.mul(x).mul(x).mul(GELU_NEW_K).add(x).mul(GELU_NEW_C);
      FloatVector t = VecMath.tanh(u);
      Vec.store(x.mul(0.5f).mul(t.add(1f)), ob, Vec.at(out, i));
    }
    for (; i < to; i++) {
      float x = in.get(i);
      float t = (float) Math.tanh(GELU_NEW_C * (x + GELU_NEW_K * x * x * x));
      out.set(i, 0.5f * x * (1f + t));
    }
  }

  private static void geluNewBackward(Slice dIn, Slice dOut, Slice in, int from, int to) {
    ByteBuffer ib = Vec.buf(in), gb = Vec.buf(dOut), db = Vec.buf(dIn);
    int i = from, bound = from + Vec.loopBound(to - from);
    for (; i < bound; i += Vec.L) {
      FloatVector x = Vec.load(ib, Vec.at(in, i));
      FloatVector x2 = x.mul(x);
      FloatVector t = VecMath.tanh(x2.mul(x).mul(GELU_NEW_K).add(x).mul(GELU_NEW_C));
      // d/dx = 0.5 (1 + t) + 0.5 x (1 - t²) c (1 + 3k x²)
      FloatVector sech2 = t.mul(t).neg().add(1f);
      FloatVector inner = x2.mul(3 * GELU_NEW_K).add(1f).mul(GELU_NEW_C);
      FloatVector grad = t.add(1f).mul(0.5f).add(x.mul(0.5f).mul(sech2).mul(inner));
      Vec.store(grad.mul(Vec.load(gb, Vec.at(dOut, i))), db, Vec.at(dIn, i));
    }
    for (; i < to; i++) {
      float x = in.get(i);
      float t = (float) Math.tanh(GELU_NEW_C * (x + GELU_NEW_K * x * x * x));
      float grad =
          0.5f * (1f + t) + 0.5f * x * (1f - t * t) * GELU_NEW_C * (1f + 3f * GELU_NEW_K * x * x);
      dIn.set(i, grad * dOut.get(i));
    }
  }

  /** out = tanh(in); out may alias in. */
  public static void tanhForward(Slice out, Slice in, long n) {
    for (long i = 0; i < n; i++) {
      out.set(i, (float) Math.tanh(in.get(i)));
    }
  }

  /** dIn = dOut · (1 - out²), from the forward output; dIn may alias dOut. */
  public static void tanhBackward(Slice dIn, Slice dOut, Slice out, long n) {
    for (long i = 0; i < n; i++) {
      float y = out.get(i);
      dIn.set(i, dOut.get(i) * (1f - y * y));
    }
  }
}

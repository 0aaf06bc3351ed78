package org.albertspark.model.kernels;

import org.albertspark.model.tensor.Slice;

/** Sum of word, position and token-type embeddings, and the scatter-add of its gradient. */
public final class Embeddings {

  private Embeddings() {}

  /**
   * out[b·T+t, :] = word[ids[b·T+t]] + position[t] + type[types[b·T+t]], each row {@code dim} wide.
   */
  public static void forward(
      Slice out,
      int[] ids,
      int[] types,
      Slice word,
      Slice position,
      Slice type,
      int batch,
      int seq,
      int dim) {
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < seq; t++) {
        int n = b * seq + t;
        long o = (long) n * dim,
            w = (long) ids[n] * dim,
            p = (long) t * dim,
            y = (long) types[n] * dim;
        for (int c = 0; c < dim; c++) {
          out.set(o + c, word.get(w + c) + position.get(p + c) + type.get(y + c));
        }
      }
    }
  }

  /**
   * Scatter-adds dOut into the three tables. The word row {@code padId} gets no gradient, as HF's
   * nn.Embedding(padding_idx) gives none.
   */
  public static void backward(
      Slice dWord,
      Slice dPosition,
      Slice dType,
      Slice dOut,
      int[] ids,
      int[] types,
      int padId,
      int batch,
      int seq,
      int dim) {
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < seq; t++) {
        int n = b * seq + t;
        long o = (long) n * dim,
            w = (long) ids[n] * dim,
            p = (long) t * dim,
            y = (long) types[n] * dim;
        boolean word = ids[n] != padId;
        for (int c = 0; c < dim; c++) {
          float g = dOut.get(o + c);
          if (word) {
            dWord.set(w + c, dWord.get(w + c) + g);
          }
          dPosition.set(p + c, dPosition.get(p + c) + g);
          dType.set(y + c, dType.get(y + c) + g);
        }
      }
    }
  }
}

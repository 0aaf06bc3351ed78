package org.albertspark.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel contract: workers on disjoint slices of one global batch, each scaling its loss
 * sums by the GLOBAL counts, produce gradients whose sum is the single-machine gradient of the
 * whole batch, and losses whose sum is its loss.
 */
class DataParallelEquivalenceTest {

  @Test
  void gradientsOfSlicesScaledByGlobalCountsSumToTheFullBatchGradient() {
    AlbertConfig c = GradientCheckTest.config("gelu_new", 2, "AlbertForPreTraining");
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 4);
    Batch full = GradientCheckTest.batch(Head.PRETRAINING, 2, 21); // 3 sequences, uneven MLM counts
    Batch first = slice(full, 0, 1), rest = slice(full, 1, 3);

    FlatTensors fullGrads = FlatTensors.zeros(model.layout());
    Workspace wsFull = new Workspace(c, Head.PRETRAINING, 3, full.seqLength(), true, false);
    Losses fullLosses = AlbertNetwork.forward(model, full, wsFull, 0);
    AlbertNetwork.backward(model, full, wsFull, fullGrads, LossScale.meanOf(fullLosses));

    Workspace ws1 = new Workspace(c, Head.PRETRAINING, 1, full.seqLength(), true, false);
    Workspace ws2 = new Workspace(c, Head.PRETRAINING, 2, full.seqLength(), true, false);
    Losses l1 = AlbertNetwork.forward(model, first, ws1, 0);
    Losses l2 = AlbertNetwork.forward(model, rest, ws2, 0);
    Losses global = l1.plus(l2); // what an all-reduce of (sum, count) pairs yields
    LossScale scale = LossScale.meanOf(global);
    FlatTensors summed = FlatTensors.zeros(model.layout());
    AlbertNetwork.backward(model, first, ws1, summed, scale);
    AlbertNetwork.backward(model, rest, ws2, summed, scale);

    assertEquals(fullLosses.mlmCount(), global.mlmCount());
    assertEquals(fullLosses.total(), global.total(), 1e-6 * fullLosses.total());
    float[] a = fullGrads.flat().toFloatVector(), b = summed.flat().toFloatVector();
    double max = 0, worst = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i]));
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    // float32: only the order of the additions differs between the two computations
    assertEquals(0, worst, 1e-5 * max, "worst difference vs the full-batch gradient");
  }

  private static Batch slice(Batch b, int from, int to) {
    int t = b.seqLength();
    return new Batch(
        to - from,
        t,
        Arrays.copyOfRange(b.inputIds(), from * t, to * t),
        Arrays.copyOfRange(b.tokenTypeIds(), from * t, to * t),
        Arrays.copyOfRange(b.attentionMask(), from * t, to * t),
        Arrays.copyOfRange(b.mlmLabels(), from * t, to * t),
        Arrays.copyOfRange(b.sopLabels(), from, to),
        null,
        null);
  }
}

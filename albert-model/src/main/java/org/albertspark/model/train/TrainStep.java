package org.albertspark.model.train;

import java.util.List;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.kernels.CrossEntropy;
import org.albertspark.model.nn.AlbertNetwork;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.LossScale;
import org.albertspark.model.nn.Losses;
import org.albertspark.model.nn.Workspace;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.tensor.Slice;

/**
 * The gradient side of a training step on one worker: for each micro-batch, forward, metrics,
 * backward into one gradient buffer. The loss scale is GIVEN (from the global batch's counts, see
 * {@link #scaleOf}), so gradients of disjoint slices of a global batch, computed anywhere, add up
 * to the gradient of its mean losses; summing them and calling {@link ParameterUpdate#apply} is one
 * training step. Accumulating several micro-batches into the same buffer is gradient accumulation.
 *
 * <p>Owns a training workspace for one micro-batch shape (reallocated only if the shape changes)
 * and a gradient buffer in the model's layout. One TrainStep per thread; the model may be shared
 * read-only while no update runs.
 */
public final class TrainStep {

  private final AlbertModel model;
  private final FlatTensors gradients;
  private Workspace workspace;

  public TrainStep(AlbertModel model) {
    this.model = model;
    this.gradients = FlatTensors.zeros(model.layout());
  }

  public AlbertModel model() {
    return model;
  }

  /** The gradients accumulated since the last {@link #zeroGradients}. */
  public FlatTensors gradients() {
    return gradients;
  }

  public void zeroGradients() {
    gradients.zero();
  }

  /**
   * Forward and backward of one micro-batch, adding d(scale · loss sums)/d params to {@link
   * #gradients}. Dropout (when the config has any) is drawn from {@code dropoutSeed}.
   */
  public TrainMetrics accumulate(Batch micro, LossScale scale, long dropoutSeed) {
    Workspace ws = workspaceFor(micro);
    Losses losses = AlbertNetwork.forward(model, micro, ws, dropoutSeed);
    // counted before backward, which overwrites the logits with their gradients
    long mlmCorrect =
        micro.mlmLabels() == null
            ? 0
            : correct(ws.predictionLogits(), micro.mlmLabels(), model.config().vocabSize());
    long sopCorrect =
        micro.sopLabels() == null ? 0 : correct(ws.headLogits(), micro.sopLabels(), 2);
    long clsCorrect =
        micro.labels() == null || model.config().numLabels() < 2
            ? 0
            : correct(ws.headLogits(), micro.labels(), model.config().numLabels());
    AlbertNetwork.backward(model, micro, ws, gradients, scale);
    return TrainMetrics.of(losses, mlmCorrect, sopCorrect, clsCorrect, tokens(micro));
  }

  private Workspace workspaceFor(Batch b) {
    if (workspace == null
        || workspace.batchSize() != b.batchSize()
        || workspace.seqLength() != b.seqLength()) {
      workspace = null; // let the old one be collected before allocating its successor
      workspace = Workspace.forTraining(model.config(), model.head(), b.batchSize(), b.seqLength());
    }
    return workspace;
  }

  /** Rows r with labels[r] != IGNORE whose logits[r] argmax is labels[r]. */
  private static long correct(Slice logits, int[] labels, int classes) {
    long n = 0;
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] == CrossEntropy.IGNORE) {
        continue;
      }
      long base = (long) r * classes;
      int best = 0;
      float max = logits.get(base);
      for (int k = 1; k < classes; k++) {
        float x = logits.get(base + k);
        if (x > max) {
          max = x;
          best = k;
        }
      }
      if (best == labels[r]) {
        n++;
      }
    }
    return n;
  }

  private static long tokens(Batch b) {
    long n = 0;
    for (int m : b.attentionMask()) {
      n += m;
    }
    return n;
  }

  /**
   * The number of terms each loss of {@code b} averages over, known from its labels alone (sums
   * zero): what the workers' loss scale is computed from before any forward pass.
   */
  public static Losses countsOf(Batch b) {
    long mlm = b.mlmLabels() == null ? 0 : CrossEntropy.count(b.mlmLabels(), b.mlmLabels().length);
    long sop = b.sopLabels() == null ? 0 : CrossEntropy.count(b.sopLabels(), b.batchSize());
    long cls =
        b.targets() != null
            ? b.batchSize()
            : b.labels() == null ? 0 : CrossEntropy.count(b.labels(), b.batchSize());
    return new Losses(0, mlm, 0, sop, 0, cls);
  }

  /**
   * The scale that makes the summed gradients those of the mean losses over all of {@code global}.
   */
  public static LossScale scaleOf(List<Batch> global) {
    Losses total = Losses.NONE;
    for (Batch b : global) {
      total = total.plus(countsOf(b));
    }
    return LossScale.meanOf(total);
  }

  /**
   * The dropout seed of micro-batch {@code microIndex} (position in the global batch) of step
   * {@code step}: a function of the run seed and those two only, so it does not depend on which
   * worker computes the micro-batch or how many workers there are.
   */
  public static long dropoutSeed(long runSeed, long step, int microIndex) {
    return mix(mix(runSeed ^ 0x44524F504F5554L) + step * 0x9E3779B97F4A7C15L + microIndex);
  }

  /** SplitMix64's finalizer: a well-mixed 64-bit hash. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

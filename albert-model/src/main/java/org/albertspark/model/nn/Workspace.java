package org.albertspark.model.nn;

import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.FloatMemory;
import org.albertspark.model.tensor.Slice;

/**
 * The working memory of forward and backward passes for one batch shape: activations kept for
 * backward, gradient scratch, head outputs. Allocated once and reused every step (no allocation
 * churn in a training loop). One workspace per thread; the model itself is shared.
 *
 * <p>Shapes: N = B·T rows; E embedding, H hidden, I intermediate, V vocab, A = L·inner layer
 * applications. In inference mode the per-layer buffers exist once and are reused by every layer.
 */
public final class Workspace {

  final AlbertConfig config;
  final Head head;
  final int batch;
  final int seq;
  final boolean training;
  final boolean dropout;
  final int applications;
  Profile profile; // null: not profiling

  // embeddings
  final Slice maskAdd; // [B, T] 0 or −max float
  final Slice embSum; // [N, E] word + position + type
  final Slice embMean, embRstd; // [N]
  final Slice embOut; // [N, E] LayerNorm output (after dropout)
  final Slice embDropMask; // [N, E] or null

  /**
   * hidden[a] is the input of layer application a; hidden[A] the last hidden state. [N, H] each.
   */
  final Slice[] hidden;

  final LayerActivations[] layers; // [A] when training, else one shared

  // pooler and heads
  final Slice pooled; // [B, H] tanh output
  final Slice clsIn; // [B, H] pooled after classifier dropout
  final Slice clsDropMask; // [B, H] or null
  final Slice headLogits; // [B, 2] SOP or [B, num_labels]
  final Slice mlmPre, mlmAct, mlmMean, mlmRstd, mlmOut; // [N, E] (mean/rstd [N])
  final Slice mlmLogits; // [N, V]

  // gradient scratch (training only)
  final Slice dHiddenA, dHiddenB, dRes, dTmp, dCtx, dQ, dK, dV; // [N, H]
  final Slice dFfn; // [N, I]
  final Slice dScores; // [B, heads, T, T]
  final Slice dEmbA, dEmbB; // [N, E]
  final Slice dCls; // [B, H]

  /** Activations of one layer application. */
  static final class LayerActivations {
    final Slice q, k, v, ctx, proj, res1, mean1, rstd1, attnOut, ffnPre, ffnAct, res2, mean2, rstd2;
    final Slice probs, dropped, dropMask, projDropMask;

    LayerActivations(
        int n, int h, int inter, long scores, boolean attnDropout, boolean hiddenDropout) {
      q = alloc((long) n * h);
      k = alloc((long) n * h);
      v = alloc((long) n * h);
      ctx = alloc((long) n * h);
      proj = alloc((long) n * h);
      res1 = alloc((long) n * h);
      mean1 = alloc(n);
      rstd1 = alloc(n);
      attnOut = alloc((long) n * h);
      ffnPre = alloc((long) n * inter);
      ffnAct = alloc((long) n * inter);
      res2 = alloc((long) n * h);
      mean2 = alloc(n);
      rstd2 = alloc(n);
      probs = alloc(scores);
      dropped = attnDropout ? alloc(scores) : null;
      dropMask = attnDropout ? alloc(scores) : null;
      projDropMask = hiddenDropout ? alloc((long) n * h) : null;
    }
  }

  /** A workspace for inference (no backward, no dropout). */
  public static Workspace forInference(AlbertConfig config, Head head, int batch, int seq) {
    return new Workspace(config, head, batch, seq, false, false);
  }

  /** A workspace for training steps: activations kept for backward, dropout as configured. */
  public static Workspace forTraining(AlbertConfig config, Head head, int batch, int seq) {
    return new Workspace(config, head, batch, seq, true, true);
  }

  /**
   * @param training keep every layer's activations and gradient scratch for {@link
   *     AlbertNetwork#backward}
   * @param dropout apply the config's dropout probabilities (training mode); false = eval mode
   */
  public Workspace(
      AlbertConfig config, Head head, int batch, int seq, boolean training, boolean dropout) {
    if (batch <= 0 || seq <= 0) {
      throw new IllegalArgumentException("batch " + batch + " x seq " + seq + " is empty");
    }
    this.config = config;
    this.head = head;
    this.batch = batch;
    this.seq = seq;
    this.training = training;
    this.dropout = dropout;
    this.applications = config.numHiddenLayers() * config.innerGroupNum();
    int n = batch * seq, e = config.embeddingSize(), h = config.hiddenSize();
    int inter = config.intermediateSize(), v = config.vocabSize();
    long scores = (long) batch * config.numAttentionHeads() * seq * seq;
    boolean hiddenDropout = dropout && config.hiddenDropoutProb() > 0;
    boolean attnDropout = dropout && config.attentionProbsDropoutProb() > 0;
    boolean clsDropout = dropout && config.classifierDropoutProb() > 0;

    maskAdd = alloc(n);
    embSum = alloc((long) n * e);
    embMean = alloc(n);
    embRstd = alloc(n);
    embOut = alloc((long) n * e);
    embDropMask = hiddenDropout ? alloc((long) n * e) : null;

    hidden = new Slice[applications + 1];
    for (int a = 0; a <= applications; a++) {
      hidden[a] = alloc((long) n * h);
    }
    layers = new LayerActivations[training ? applications : 1];
    for (int a = 0; a < layers.length; a++) {
      layers[a] = new LayerActivations(n, h, inter, scores, attnDropout, hiddenDropout);
    }

    pooled = alloc((long) batch * h);
    clsIn = alloc((long) batch * h);
    clsDropMask = clsDropout ? alloc((long) batch * h) : null;
    int headWidth = head == Head.PRETRAINING ? 2 : config.numLabels();
    headLogits = alloc((long) batch * headWidth);
    boolean mlm = head == Head.PRETRAINING;
    mlmPre = mlm ? alloc((long) n * e) : null;
    mlmAct = mlm ? alloc((long) n * e) : null;
    mlmMean = mlm ? alloc(n) : null;
    mlmRstd = mlm ? alloc(n) : null;
    mlmOut = mlm ? alloc((long) n * e) : null;
    mlmLogits = mlm ? alloc((long) n * v) : null;

    dHiddenA = training ? alloc((long) n * h) : null;
    dHiddenB = training ? alloc((long) n * h) : null;
    dRes = training ? alloc((long) n * h) : null;
    dTmp = training ? alloc((long) n * h) : null;
    dCtx = training ? alloc((long) n * h) : null;
    dQ = training ? alloc((long) n * h) : null;
    dK = training ? alloc((long) n * h) : null;
    dV = training ? alloc((long) n * h) : null;
    dFfn = training ? alloc((long) n * inter) : null;
    dScores = training ? alloc(scores) : null;
    dEmbA = training ? alloc((long) n * e) : null;
    dEmbB = training ? alloc((long) n * e) : null;
    dCls = training ? alloc((long) batch * h) : null;
  }

  private static Slice alloc(long n) {
    return FloatMemory.zeros(n).all();
  }

  LayerActivations layer(int application) {
    return layers[training ? application : 0];
  }

  /**
   * Attaches a profile that every later pass on this workspace adds its timings to (null detaches).
   */
  public void attachProfile(Profile p) {
    this.profile = p;
  }

  public int batchSize() {
    return batch;
  }

  public int seqLength() {
    return seq;
  }

  public boolean training() {
    return training;
  }

  /** True when this workspace fits a batch of this shape. */
  public boolean fits(AlbertConfig config, Head head, int batch, int seq, boolean training) {
    return this.config.equals(config)
        && this.head == head
        && this.batch == batch
        && this.seq == seq
        && this.training == training;
  }

  // ---- read access to the last forward pass ([rows, cols] row-major slices) ----

  /** Embedding output after LayerNorm [N, E]. */
  public Slice embeddingOutput() {
    return embOut;
  }

  /** HF hidden_states[k]: k = 0 after the E→H mapping, k = 1..L after each outer layer. [N, H] */
  public Slice hiddenState(int k) {
    return hidden[k * config.innerGroupNum()];
  }

  public Slice lastHiddenState() {
    return hidden[applications];
  }

  public Slice pooledOutput() {
    return pooled;
  }

  /** [N, V] masked-LM logits (pretraining head); overwritten by backward. */
  public Slice predictionLogits() {
    return mlmLogits;
  }

  /**
   * [B, 2] sentence-order logits, or [B, num_labels] classification logits; overwritten by
   * backward.
   */
  public Slice headLogits() {
    return headLogits;
  }
}

package org.albertspark.model.nn;

import java.util.Arrays;
import java.util.Objects;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.FloatMemory;
import org.albertspark.model.tensor.Slice;

/**
 * The working memory of forward and backward passes: activations kept for backward, gradient
 * scratch, head outputs. Allocated once for a capacity (at most B sequences, each at most T tokens,
 * N tokens in all) and reused for every batch within it: a smaller batch uses the first rows of
 * each buffer (no allocation churn in a training loop or a scoring stream). One workspace per
 * thread; the model itself is shared.
 *
 * <p>Shapes: N = B·T rows of the current batch; E embedding, H hidden, I intermediate, V vocab, A =
 * L·inner layer applications; R the rows the MLM head runs on ({@link MlmRows}). In inference mode
 * the per-layer buffers exist once, reused by every layer, and attention runs one sequence at a
 * time (its probabilities are not kept); what else is kept is the workspace's {@link Outputs}.
 */
public final class Workspace {

  /** What an inference pass keeps (training keeps everything backward needs). */
  public enum Outputs {
    /** HF's hidden_states: every layer's output, [N, H] each (the forward tool, fixture tests). */
    HIDDEN_STATES,
    /** Only the last hidden state [N, H]: one hidden buffer, overwritten layer by layer. */
    LAST_HIDDEN_STATE,
    /**
     * Only what the pooler reads: the last layer computes keys and values for every row but the
     * rest (query, attention output, dense, LayerNorm, FFN) for the first row of each sequence, so
     * {@link #lastHiddenState()} is [B, H], the [CLS] rows. Classification inference only.
     */
    CLS_ROWS
  }

  /** The positions the MLM head (dense H→E, activation, LayerNorm, tied decoder E→V) runs on. */
  public enum MlmRows {
    /** Every position, R = N: {@link #predictionLogits()} [N, V] as HF returns them. */
    ALL,
    /**
     * Only the positions whose MLM label is not −100, gathered into R = M rows (as
     * google-research/albert does): the same losses and gradients, since unlabelled rows have zero
     * logit gradient, for an M/N share of the head's work (about 15% in pretraining).
     */
    LABELLED
  }

  final AlbertConfig config;
  final Head head;
  final int maxBatch, maxSeq, maxTokens; // capacity
  int batch, seq; // the shape of the current batch, set by forward
  final boolean training;
  final boolean dropout;
  final int applications;
  final MlmRows mlmRows;
  final Outputs outputs;
  Profile profile; // null: not profiling

  // embeddings
  final Slice maskAdd; // [B, T] 0 or −max float
  final Slice embSum; // [N, E] word + position + type
  final Slice embMean, embRstd; // [N]
  final Slice embOut; // [N, E] LayerNorm output (after dropout)
  final Slice embDropMask; // [N, E] or null

  /**
   * hidden[a] is the input of layer application a; hidden[A] the last hidden state. [N, H] each;
   * all one buffer, updated in place, unless training or keeping {@link Outputs#HIDDEN_STATES}.
   */
  final Slice[] hidden;

  final LayerActivations[] layers; // [A] when training, else one shared

  final int[] clsPositions; // [B] (CLS_ROWS) the row b·T of each sequence's first token
  final Slice clsX; // [B, H] (CLS_ROWS) the last layer's input at those rows

  // pooler and heads
  final Slice pooled; // [B, H] tanh output
  final Slice clsIn; // [B, H] pooled after classifier dropout
  final Slice clsDropMask; // [B, H] or null
  final Slice headLogits; // [B, 2] SOP or [B, num_labels]
  final int[] mlmPositions; // [N] row r of the MLM head is position mlmPositions[r]
  final int[] mlmRowLabels; // [N] (LABELLED) the MLM label of row r
  int mlmHeadRows; // R of the last forward
  final Slice mlmIn; // [N, H] (LABELLED) the gathered last hidden rows, first R used
  final Slice mlmPre, mlmAct, mlmMean, mlmRstd, mlmOut; // [N, E] (mean/rstd [N]), first R used
  Slice mlmLogits; // [N, V] (ALL), or [capacity, V] grown to the largest R so far (LABELLED)

  // gradient scratch (training only)
  final Slice dHiddenA, dHiddenB, dRes, dTmp, dCtx, dQ, dK, dV; // [N, H]
  final Slice dFfn; // [N, I]
  final Slice dScores; // [B, heads, T, T]
  final Slice dEmbA, dEmbB; // [N, E]
  final Slice dCls; // [B, H]

  /** Activations of one layer application. */
  final class LayerActivations {
    final Slice q, k, v, ctx, proj, res1, mean1, rstd1, attnOut, ffnPre, ffnAct, res2, mean2, rstd2;
    final Slice probs, dropped, dropMask, projDropMask;

    /**
     * Inference: nothing is kept for backward, so each buffer is reused as soon as it is read for
     * the last time (bit-identical results, 4 [N, H] buffers instead of 10): the context overwrites
     * the queries (attention reads a sequence's queries before writing its context), the attention
     * output path (proj, res1, attnOut) runs in the keys' buffer, the FFN output in the values'.
     * {@code scores} holds one sequence's probabilities.
     */
    LayerActivations(int n, int h, int inter, long scores) {
      q = alloc((long) n * h);
      k = alloc((long) n * h);
      v = alloc((long) n * h);
      ctx = q;
      proj = k;
      res1 = k;
      attnOut = k;
      ffnPre = alloc((long) n * inter);
      ffnAct = ffnPre;
      res2 = v;
      mean1 = alloc(n);
      rstd1 = alloc(n);
      mean2 = mean1;
      rstd2 = rstd1;
      probs = alloc(scores);
      dropped = null;
      dropMask = null;
      projDropMask = null;
    }

    /** Training: every activation backward reads, in its own buffer. */
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

  /**
   * A workspace for inference (no backward, no dropout) on batches up to {@code batch} x {@code
   * seq}, with every hidden state and the MLM logits of every position.
   */
  public static Workspace forInference(AlbertConfig config, Head head, int batch, int seq) {
    return new Workspace(config, head, batch, seq, false, false);
  }

  /**
   * A workspace for inference on any batch of at most {@code maxBatch} sequences of at most {@code
   * maxSeq} tokens and at most {@code maxTokens} tokens in all (B·T): sized once for a token
   * budget, it serves every smaller shape of a scoring stream.
   */
  public static Workspace forInference(
      AlbertConfig config, Head head, int maxBatch, int maxSeq, int maxTokens, Outputs outputs) {
    return new Workspace(
        config, head, maxBatch, maxSeq, maxTokens, false, false, MlmRows.ALL, outputs);
  }

  /**
   * A workspace for training steps: activations kept for backward, dropout as configured, the MLM
   * head at the labelled positions only.
   */
  public static Workspace forTraining(AlbertConfig config, Head head, int batch, int seq) {
    return new Workspace(config, head, batch, seq, true, true);
  }

  /**
   * As {@link #Workspace(AlbertConfig, Head, int, int, boolean, boolean, MlmRows)} with the MLM
   * head at the labelled positions when training and at every position otherwise.
   */
  public Workspace(
      AlbertConfig config, Head head, int batch, int seq, boolean training, boolean dropout) {
    this(config, head, batch, seq, training, dropout, training ? MlmRows.LABELLED : MlmRows.ALL);
  }

  /**
   * @param training keep every layer's activations and gradient scratch for {@link
   *     AlbertNetwork#backward}
   * @param dropout apply the config's dropout probabilities (training mode); false = eval mode
   * @param mlmRows the positions the MLM head runs on: {@link MlmRows#ALL} for prediction logits,
   *     {@link MlmRows#LABELLED} when only the losses (and gradients) are needed
   */
  public Workspace(
      AlbertConfig config,
      Head head,
      int batch,
      int seq,
      boolean training,
      boolean dropout,
      MlmRows mlmRows) {
    this(
        config,
        head,
        batch,
        seq,
        Math.multiplyExact(batch, seq),
        training,
        dropout,
        mlmRows,
        Outputs.HIDDEN_STATES);
  }

  private Workspace(
      AlbertConfig config,
      Head head,
      int maxBatch,
      int maxSeq,
      int maxTokens,
      boolean training,
      boolean dropout,
      MlmRows mlmRows,
      Outputs outputs) {
    if (maxBatch <= 0 || maxSeq <= 0 || maxTokens < maxSeq) {
      throw new IllegalArgumentException(
          "batch "
              + maxBatch
              + " x seq "
              + maxSeq
              + " within "
              + maxTokens
              + " tokens holds no batch of a full-length sequence");
    }
    this.mlmRows = Objects.requireNonNull(mlmRows, "mlmRows");
    this.outputs = Objects.requireNonNull(outputs, "outputs");
    if (outputs == Outputs.CLS_ROWS && head == Head.PRETRAINING) {
      throw new IllegalArgumentException("the MLM head needs every row: no CLS_ROWS workspace");
    }
    if (training && outputs != Outputs.HIDDEN_STATES) {
      throw new IllegalArgumentException("training keeps every hidden state, not " + outputs);
    }
    this.config = config;
    this.head = head;
    this.maxBatch = Math.min(maxBatch, maxTokens);
    this.maxSeq = maxSeq;
    this.maxTokens = Math.min(maxTokens, Math.multiplyExact(this.maxBatch, maxSeq));
    this.batch = this.maxBatch;
    this.seq = maxSeq;
    this.training = training;
    this.dropout = dropout;
    this.applications = config.numHiddenLayers() * config.innerGroupNum();
    int n = this.maxTokens, b = this.maxBatch;
    int e = config.embeddingSize(), h = config.hiddenSize();
    int inter = config.intermediateSize(), v = config.vocabSize();
    int heads = config.numAttentionHeads();
    // training keeps [B, heads, T, T]: B·T·T ≤ N·T; inference one sequence's [heads, T, T]
    long scores = (long) heads * maxSeq * (training ? Math.min((long) b * maxSeq, n) : maxSeq);
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
    boolean everyState = outputs == Outputs.HIDDEN_STATES;
    for (int a = 0; a <= applications; a++) {
      hidden[a] = everyState || a == 0 ? alloc((long) n * h) : hidden[0];
    }
    if (training) {
      layers = new LayerActivations[applications];
      for (int a = 0; a < layers.length; a++) {
        layers[a] = new LayerActivations(n, h, inter, scores, attnDropout, hiddenDropout);
      }
    } else {
      layers = new LayerActivations[] {new LayerActivations(n, h, inter, scores)};
    }
    boolean clsRows = outputs == Outputs.CLS_ROWS;
    clsPositions = clsRows ? new int[b] : null;
    clsX = clsRows ? alloc((long) b * h) : null;

    pooled = alloc((long) b * h);
    clsIn = dropout ? alloc((long) b * h) : pooled; // without dropout the classifier reads pooled
    clsDropMask = clsDropout ? alloc((long) b * h) : null;
    int headWidth = head == Head.PRETRAINING ? 2 : config.numLabels();
    headLogits = alloc((long) b * headWidth);
    boolean mlm = head == Head.PRETRAINING;
    boolean gathered = mlm && mlmRows == MlmRows.LABELLED;
    mlmPositions = mlm ? new int[n] : null;
    if (mlm && !gathered) {
      Arrays.setAll(mlmPositions, p -> p);
    }
    mlmRowLabels = gathered ? new int[n] : null;
    mlmIn = gathered ? alloc((long) n * h) : null;
    mlmPre = mlm ? alloc((long) n * e) : null;
    mlmAct = mlm ? alloc((long) n * e) : null;
    mlmMean = mlm ? alloc(n) : null;
    mlmRstd = mlm ? alloc(n) : null;
    mlmOut = mlm ? alloc((long) n * e) : null;
    mlmLogits = mlm ? alloc(gathered ? 0 : (long) n * v) : null;

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
    dCls = training ? alloc((long) b * h) : null;
  }

  private long floats; // allocated so far

  private Slice alloc(long n) {
    floats += n;
    return FloatMemory.zeros(n).all();
  }

  /** The off-heap bytes this workspace holds. */
  public long bytes() {
    return floats * Float.BYTES;
  }

  /**
   * The MLM logits with room for {@code rows} rows. A LABELLED workspace grows them when a batch
   * has more labelled positions than any before, with a quarter's headroom so that the label
   * count's variation from batch to batch rarely grows them again; never beyond [N, V].
   */
  Slice mlmLogitsFor(int rows) {
    long v = config.vocabSize();
    if ((long) rows * v > mlmLogits.size()) {
      int capacity = Math.min(maxTokens, rows + rows / 4);
      floats -= mlmLogits.size();
      mlmLogits = null; // let the old block be collected before allocating its successor
      mlmLogits = alloc(capacity * v);
    }
    return mlmLogits;
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

  /** The most sequences a batch may have. */
  public int batchSize() {
    return maxBatch;
  }

  /** The longest sequence a batch may have. */
  public int seqLength() {
    return maxSeq;
  }

  /** The most tokens (B·T) a batch may have. */
  public int tokenCapacity() {
    return maxTokens;
  }

  public Outputs outputs() {
    return outputs;
  }

  public boolean training() {
    return training;
  }

  /** True when this workspace holds a batch of this shape. */
  public boolean fits(AlbertConfig config, Head head, int batch, int seq, boolean training) {
    return this.config.equals(config)
        && this.head == head
        && batch <= maxBatch
        && seq <= maxSeq
        && (long) batch * seq <= maxTokens
        && this.training == training;
  }

  /** Sets the shape of the batch the next pass runs on. */
  void shape(int batch, int seq) {
    this.batch = batch;
    this.seq = seq;
  }

  private long rows() {
    return (long) batch * seq;
  }

  // ---- read access to the last forward pass ([rows, cols] row-major slices) ----

  /** Embedding output after LayerNorm [N, E]. */
  public Slice embeddingOutput() {
    return embOut.sub(0, rows() * config.embeddingSize());
  }

  /**
   * HF hidden_states[k]: k = 0 after the E→H mapping, k = 1..L after each outer layer. [N, H]
   *
   * @throws IllegalStateException for k &lt; L on a workspace that keeps only the last state
   */
  public Slice hiddenState(int k) {
    if (k == config.numHiddenLayers()) {
      return lastHiddenState();
    }
    if (outputs != Outputs.HIDDEN_STATES) {
      throw new IllegalStateException(
          "this workspace keeps only the last hidden state (Outputs." + outputs + ")");
    }
    return hidden[k * config.innerGroupNum()].sub(0, rows() * config.hiddenSize());
  }

  /** [N, H], or [B, H] (the first row of each sequence) on a {@link Outputs#CLS_ROWS} workspace. */
  public Slice lastHiddenState() {
    long r = outputs == Outputs.CLS_ROWS ? batch : rows();
    return hidden[applications].sub(0, r * config.hiddenSize());
  }

  /** [B, H] */
  public Slice pooledOutput() {
    return pooled.sub(0, (long) batch * config.hiddenSize());
  }

  /**
   * [N, V] masked-LM logits of every position (pretraining head, {@link MlmRows#ALL}); overwritten
   * by backward.
   *
   * @throws IllegalStateException on a {@link MlmRows#LABELLED} workspace, which has logits only at
   *     the labelled positions ({@link #mlmLogits()})
   */
  public Slice predictionLogits() {
    if (mlmRows != MlmRows.ALL) {
      throw new IllegalStateException(
          "this workspace runs the MLM head at the labelled positions only (MlmRows."
              + mlmRows
              + "); prediction logits of every position need MlmRows.ALL");
    }
    return mlmLogits.sub(0, rows() * config.vocabSize());
  }

  /**
   * [R, V] masked-LM logits of the rows the last forward ran the head on: row r is position {@link
   * #mlmPositions()}[r] (every position in order with {@link MlmRows#ALL}, the labelled ones in
   * order with {@link MlmRows#LABELLED}); overwritten by backward.
   */
  public Slice mlmLogits() {
    return mlmLogits.sub(0, (long) mlmHeadRows * config.vocabSize());
  }

  /** [R] the position b·T + t of each row of {@link #mlmLogits()}. */
  public int[] mlmPositions() {
    return Arrays.copyOf(mlmPositions, mlmHeadRows);
  }

  public MlmRows mlmRows() {
    return mlmRows;
  }

  /**
   * [B, 2] sentence-order logits, or [B, num_labels] classification logits; overwritten by
   * backward.
   */
  public Slice headLogits() {
    return headLogits.sub(0, (long) batch * (head == Head.PRETRAINING ? 2 : config.numLabels()));
  }
}

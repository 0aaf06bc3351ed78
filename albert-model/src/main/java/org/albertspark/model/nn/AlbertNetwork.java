package org.albertspark.model.nn;

import static org.albertspark.model.nn.Profile.Op.ACTIVATION;
import static org.albertspark.model.nn.Profile.Op.ATTENTION_BACKWARD;
import static org.albertspark.model.nn.Profile.Op.ATTENTION_FORWARD;
import static org.albertspark.model.nn.Profile.Op.EMBEDDINGS;
import static org.albertspark.model.nn.Profile.Op.LAYERNORM;
import static org.albertspark.model.nn.Profile.Op.LINEAR_BACKWARD;
import static org.albertspark.model.nn.Profile.Op.LINEAR_FORWARD;
import static org.albertspark.model.nn.Profile.Op.LOSS;
import static org.albertspark.model.nn.Profile.Op.MLM_DECODER_BACKWARD;
import static org.albertspark.model.nn.Profile.Op.MLM_DECODER_FORWARD;
import static org.albertspark.model.nn.Profile.Op.MLM_GATHER;
import static org.albertspark.model.nn.Profile.Op.RESIDUAL_AND_DROPOUT;

import java.util.SplittableRandom;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.kernels.Activations;
import org.albertspark.model.kernels.Attention;
import org.albertspark.model.kernels.CrossEntropy;
import org.albertspark.model.kernels.Dropout;
import org.albertspark.model.kernels.Elementwise;
import org.albertspark.model.kernels.Embeddings;
import org.albertspark.model.kernels.Gather;
import org.albertspark.model.kernels.LayerNorm;
import org.albertspark.model.kernels.Linear;
import org.albertspark.model.nn.Workspace.MlmRows;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.params.ParameterViews;
import org.albertspark.model.params.ParameterViews.Dense;
import org.albertspark.model.params.ParameterViews.Layer;
import org.albertspark.model.params.ParameterViews.Norm;
import org.albertspark.model.params.ParameterViews.PretrainingHeads;
import org.albertspark.model.tensor.Slice;

/**
 * ALBERT's forward pass and its explicit backward twin, layer by layer, over a {@link Workspace}.
 * Weights are reached through {@link ParameterViews} ({@code w}, gradients {@code dw}); shapes are
 * noted beside each call (N = B·T rows). The MLM head runs on R rows: all N, or the M labelled ones
 * gathered (the workspace's {@link Workspace.MlmRows}). Each kernel call is timed under its kind of
 * operation when the workspace has a {@link Profile} attached (the helpers at the end).
 */
public final class AlbertNetwork {

  private AlbertNetwork() {}

  /**
   * Runs the model on a batch. In a training workspace dropout is drawn from {@code dropoutSeed} (a
   * different seed per step); in an inference workspace there is no dropout and the seed is unused.
   * Returns the loss sums for whichever labels the batch carries.
   */
  public static Losses forward(AlbertModel model, Batch batch, Workspace ws, long dropoutSeed) {
    AlbertConfig c = model.config();
    if (!ws.fits(c, model.head(), batch.batchSize(), batch.seqLength(), ws.training)) {
      throw new IllegalArgumentException(
          "workspace is for batch "
              + ws.maxBatch
              + " x "
              + ws.maxSeq
              + (ws.maxTokens < (long) ws.maxBatch * ws.maxSeq
                  ? " within " + ws.maxTokens + " tokens"
                  : "")
              + ", not "
              + batch.batchSize()
              + " x "
              + batch.seqLength());
    }
    batch.validate(c);
    ws.shape(batch.batchSize(), batch.seqLength());
    ParameterViews w = model.parameters().views();
    SplittableRandom rng = new SplittableRandom(dropoutSeed);
    int bsz = batch.batchSize(), t = batch.seqLength(), n = bsz * t;
    int e = c.embeddingSize(), h = c.hiddenSize();

    for (int i = 0; i < n; i++) {
      ws.maskAdd.set(i, batch.attentionMask()[i] == 1 ? 0f : Attention.MASK_FILL);
    }
    // embeddings = LayerNorm(word[ids] + position[t] + type[types]): [N, E]
    ParameterViews.Embeddings emb = w.embeddings();
    timed(
        ws,
        EMBEDDINGS,
        () ->
            Embeddings.forward(
                ws.embSum,
                batch.inputIds(),
                batch.tokenTypeIds(),
                emb.word(),
                emb.position(),
                emb.tokenType(),
                bsz,
                t,
                e));
    layerNorm(ws, ws.embOut, ws.embMean, ws.embRstd, ws.embSum, emb.norm(), n, e, c);
    dropout(ws.embOut, ws.embDropMask, (long) n * e, c.hiddenDropoutProb(), rng);
    // E → H: [N, E] → [N, H]
    linear(ws, ws.hidden[0], ws.embOut, w.embeddingMapping(), n, e, h);

    boolean clsRows = ws.outputs == Workspace.Outputs.CLS_ROWS;
    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      int group = c.groupOfLayer(layer);
      for (int inner = 0; inner < c.innerGroupNum(); inner++) {
        int a = layer * c.innerGroupNum() + inner;
        if (clsRows && a == ws.applications - 1) {
          clsLayerForward(c, w.layer(group, inner), ws, a);
        } else {
          layerForward(c, w.layer(group, inner), ws, a, rng);
        }
      }
    }

    // pooler: tanh(W h[:, 0] + b), first token of each sequence (rows T·H apart, or H apart when
    // the last layer computed only those rows): [B, H]
    Slice last = ws.hidden[ws.applications];
    linear(ws, LINEAR_FORWARD, ws.pooled, last, clsRows ? h : t * h, w.pooler(), bsz, h, h);
    timed(ws, ACTIVATION, () -> Activations.tanhForward(ws.pooled, ws.pooled, (long) bsz * h));

    if (ws.clsIn != ws.pooled) {
      ws.clsIn.sub(0, (long) bsz * h).copyFrom(ws.pooled.sub(0, (long) bsz * h));
      dropout(ws.clsIn, ws.clsDropMask, (long) bsz * h, c.classifierDropoutProb(), rng);
    }
    return model.head() == Head.PRETRAINING
        ? pretrainingHeadsForward(c, w.pretraining(), batch, ws)
        : classifierForward(c, w.classifier(), batch, ws);
  }

  private static void dropout(Slice x, Slice mask, long n, double prob, SplittableRandom rng) {
    if (mask != null) {
      Dropout.fillMask(mask, n, prob, rng);
      Elementwise.multiplyInPlace(x, mask, n);
    }
  }

  /** Backward of {@link #dropout}: dx *= mask, the same inverted mask (nothing without dropout). */
  private static void dropoutBackward(Workspace ws, Slice dx, Slice mask, long n) {
    if (mask != null) {
      timed(ws, RESIDUAL_AND_DROPOUT, () -> Elementwise.multiplyInPlace(dx, mask, n));
    }
  }

  /** One post-LN transformer layer: hidden[a] → hidden[a + 1]. */
  private static void layerForward(
      AlbertConfig c, Layer w, Workspace ws, int a, SplittableRandom rng) {
    Workspace.LayerActivations l = ws.layer(a);
    int n = ws.batch * ws.seq, h = c.hiddenSize();
    Slice x = ws.hidden[a];
    // q, k, v = x Wᵀ + b: [N, H]
    linear(ws, l.q, x, w.query(), n, h, h);
    linear(ws, l.k, x, w.key(), n, h, h);
    linear(ws, l.v, x, w.value(), n, h, h);
    if (l.dropMask != null) {
      Dropout.fillMask(l.dropMask, l.dropMask.size(), c.attentionProbsDropoutProb(), rng);
    }
    // probs = dropout(softmax(q kᵀ / √d + mask)) [B, heads, T, T]; ctx = probs v [N, H]
    attention(ws, l, ws.seq);
    outputAndFfn(c, w, ws, l, x, n, ws.hidden[a + 1], rng);
  }

  /**
   * The rest of a layer after attention, over {@code rows} rows of [rows, H]: attnOut = LayerNorm(x
   * + dropout(ctx Wᵀ + b)); FFN [rows, H] → [rows, I] → [rows, H], no dropout after it (as HF); out
   * = LayerNorm(ffn + attnOut).
   */
  private static void outputAndFfn(
      AlbertConfig c,
      Layer w,
      Workspace ws,
      Workspace.LayerActivations l,
      Slice x,
      int rows,
      Slice out,
      SplittableRandom rng) {
    int h = c.hiddenSize(), inter = c.intermediateSize();
    long rh = (long) rows * h;
    linear(ws, l.proj, l.ctx, w.attnDense(), rows, h, h);
    dropout(l.proj, l.projDropMask, rh, c.hiddenDropoutProb(), rng);
    timed(ws, RESIDUAL_AND_DROPOUT, () -> Elementwise.add(l.res1, x, l.proj, rh));
    layerNorm(ws, l.attnOut, l.mean1, l.rstd1, l.res1, w.attnNorm(), rows, h, c);
    linear(ws, l.ffnPre, l.attnOut, w.ffn(), rows, h, inter);
    timed(
        ws,
        ACTIVATION,
        () -> Activations.forward(c.activation(), l.ffnAct, l.ffnPre, (long) rows * inter));
    linear(ws, l.res2, l.ffnAct, w.ffnOutput(), rows, inter, h);
    timed(ws, RESIDUAL_AND_DROPOUT, () -> Elementwise.addInPlace(l.res2, l.attnOut, rh));
    layerNorm(ws, out, l.mean2, l.rstd2, l.res2, w.outputNorm(), rows, h, c);
  }

  /**
   * Attention of layer activations {@code l} with {@code queries} queries per sequence (T, or 1 for
   * the [CLS] rows). Training keeps every sequence's probabilities for backward; inference runs one
   * sequence at a time through a [heads, Tq, T] block (the same GEMMs and softmax rows).
   */
  private static void attention(Workspace ws, Workspace.LayerActivations l, int queries) {
    int heads = ws.config.numAttentionHeads(), h = ws.config.hiddenSize(), t = ws.seq;
    timed(
        ws,
        ATTENTION_FORWARD,
        () -> {
          if (ws.training) {
            Attention.forward(
                l.ctx,
                l.probs,
                l.dropped,
                l.dropMask,
                l.q,
                l.k,
                l.v,
                ws.maskAdd,
                ws.batch,
                queries,
                t,
                heads,
                h / heads);
            return;
          }
          long qh = (long) queries * h, th = (long) t * h;
          for (int b = 0; b < ws.batch; b++) {
            Attention.forward(
                l.ctx.sub(b * qh, qh),
                l.probs,
                null,
                null,
                l.q.sub(b * qh, qh),
                l.k.sub(b * th, th),
                l.v.sub(b * th, th),
                ws.maskAdd.sub((long) b * t, t),
                1,
                queries,
                t,
                heads,
                h / heads);
          }
        });
  }

  /**
   * The last layer when only the first row of each sequence is wanted (inference, {@link
   * Workspace.Outputs#CLS_ROWS}): keys and values of every row, the rest of the layer for the B
   * [CLS] rows only. hidden[a] [N, H] → hidden[a + 1] [B, H]. Row for row what {@link
   * #layerForward} computes.
   */
  private static void clsLayerForward(AlbertConfig c, Layer w, Workspace ws, int a) {
    Workspace.LayerActivations l = ws.layer(a);
    int bsz = ws.batch, n = bsz * ws.seq, h = c.hiddenSize();
    Slice x = ws.hidden[a];
    // k, v = x Wᵀ + b: [N, H]; q from the gathered first rows: [B, H]
    linear(ws, l.k, x, w.key(), n, h, h);
    linear(ws, l.v, x, w.value(), n, h, h);
    for (int b = 0; b < bsz; b++) {
      ws.clsPositions[b] = b * ws.seq;
    }
    Gather.forward(ws.clsX, x, ws.clsPositions, bsz, h);
    linear(ws, l.q, ws.clsX, w.query(), bsz, h, h);
    // ctx = softmax(q kᵀ / √d + mask) v: [B, H]
    attention(ws, l, 1);
    // the rest of the layer on the [CLS] rows, x_cls the residual: [B, H]
    outputAndFfn(c, w, ws, l, ws.clsX, bsz, ws.hidden[a + 1], null);
  }

  private static Losses pretrainingHeadsForward(
      AlbertConfig c, PretrainingHeads w, Batch batch, Workspace ws) {
    int bsz = ws.batch, n = bsz * ws.seq, h = c.hiddenSize(), v = c.vocabSize();
    int[] labels = batch.mlmLabels();
    // MLM head on R rows: every position, or the M labelled ones gathered: [N, H] → [M, H]
    Slice last = ws.hidden[ws.applications], headIn = last;
    int[] rowLabels = labels;
    if (ws.mlmRows == MlmRows.ALL) {
      ws.mlmHeadRows = n;
    } else {
      ws.mlmHeadRows =
          labels == null ? 0 : Gather.labelledRows(ws.mlmPositions, ws.mlmRowLabels, labels, n);
      timed(
          ws, MLM_GATHER, () -> Gather.forward(ws.mlmIn, last, ws.mlmPositions, ws.mlmHeadRows, h));
      headIn = ws.mlmIn;
      rowLabels = ws.mlmRowLabels;
    }
    int rows = ws.mlmHeadRows;
    if (rows > 0) {
      mlmHeadForward(c, w, ws, headIn, rows);
    }
    // SOP: [B, 2]
    linear(ws, ws.headLogits, ws.clsIn, w.sop(), bsz, h, 2);

    double mlmSum = 0, sopSum = 0;
    long mlmCount = 0, sopCount = 0;
    if (labels != null && rows > 0) {
      long t0 = System.nanoTime();
      mlmSum = CrossEntropy.lossSum(ws.mlmLogits, rowLabels, rows, v);
      record(ws, LOSS, t0);
      mlmCount = CrossEntropy.count(labels, n);
    }
    if (batch.sopLabels() != null) {
      sopSum = CrossEntropy.lossSum(ws.headLogits, batch.sopLabels(), bsz, 2);
      sopCount = CrossEntropy.count(batch.sopLabels(), bsz);
    }
    return new Losses(mlmSum, mlmCount, sopSum, sopCount, 0, 0);
  }

  /**
   * MLM head on {@code rows} rows of {@code in} [R, H]: dense H→E, activation, LayerNorm, decoder
   * tied to the word embeddings: logits [R, V].
   */
  private static void mlmHeadForward(
      AlbertConfig c, PretrainingHeads w, Workspace ws, Slice in, int rows) {
    int e = c.embeddingSize(), h = c.hiddenSize(), v = c.vocabSize();
    Slice logits = ws.mlmLogitsFor(rows);
    linear(ws, ws.mlmPre, in, w.mlmDense(), rows, h, e);
    timed(
        ws,
        ACTIVATION,
        () -> Activations.forward(c.activation(), ws.mlmAct, ws.mlmPre, (long) rows * e));
    layerNorm(ws, ws.mlmOut, ws.mlmMean, ws.mlmRstd, ws.mlmAct, w.mlmNorm(), rows, e, c);
    linear(ws, MLM_DECODER_FORWARD, logits, ws.mlmOut, e, w.decoder(), rows, e, v);
  }

  private static Losses classifierForward(
      AlbertConfig c, Dense classifier, Batch batch, Workspace ws) {
    int bsz = ws.batch, h = c.hiddenSize(), k = c.numLabels();
    linear(ws, ws.headLogits, ws.clsIn, classifier, bsz, h, k);
    if (k == 1 && batch.targets() != null) {
      double sum = 0;
      for (int b = 0; b < bsz; b++) {
        double d = ws.headLogits.get(b) - batch.targets()[b];
        sum += d * d;
      }
      return new Losses(0, 0, 0, 0, sum, bsz);
    }
    if (k > 1 && batch.labels() != null) {
      return new Losses(
          0,
          0,
          0,
          0,
          CrossEntropy.lossSum(ws.headLogits, batch.labels(), bsz, k),
          CrossEntropy.count(batch.labels(), bsz));
    }
    return Losses.NONE;
  }

  /**
   * Adds to {@code grads} the gradient of scale.mlm·mlmSum + scale.sop·sopSum (+
   * scale.classification · clsSum) for the batch of the last {@link #forward} on this workspace.
   * Shared layers accumulate over every application. Overwrites the workspace's logits with their
   * gradients.
   */
  public static void backward(
      AlbertModel model, Batch batch, Workspace ws, FlatTensors grads, LossScale scale) {
    if (!ws.training) {
      throw new IllegalStateException("backward needs a training workspace");
    }
    AlbertConfig c = model.config();
    ParameterViews w = model.parameters().views();
    ParameterViews dw = grads.views();
    int bsz = ws.batch, t = ws.seq, n = bsz * t, e = c.embeddingSize(), h = c.hiddenSize();
    Slice dHidden = ws.dHiddenA;

    if (model.head() == Head.PRETRAINING) {
      pretrainingHeadsBackward(c, w.pretraining(), dw.pretraining(), batch, ws, scale, dHidden);
      headLogitGradient(ws.headLogits, batch.sopLabels(), bsz, 2, scale.sop());
      poolerAndClassifierBackward(
          c, w, dw, w.pretraining().sop(), dw.pretraining().sop(), ws, dHidden, 2);
    } else {
      Elementwise.zero(dHidden);
      int k = c.numLabels();
      if (k == 1 && batch.targets() != null) {
        for (int b = 0; b < bsz; b++) {
          ws.headLogits.set(
              b,
              (float) (2 * (ws.headLogits.get(b) - batch.targets()[b]) * scale.classification()));
        }
      } else {
        headLogitGradient(ws.headLogits, batch.labels(), bsz, k, scale.classification());
      }
      poolerAndClassifierBackward(c, w, dw, w.classifier(), dw.classifier(), ws, dHidden, k);
    }

    Slice dh0 = layersBackward(c, w, dw, ws, dHidden);

    // E → H mapping, embedding dropout and LayerNorm, then the three tables
    ParameterViews.Embeddings emb = w.embeddings(), dEmb = dw.embeddings();
    linearBackward(
        ws, ws.dEmbA, false, dw.embeddingMapping(), w.embeddingMapping(), dh0, ws.embOut, n, e, h);
    dropoutBackward(ws, ws.dEmbA, ws.embDropMask, (long) n * e);
    layerNormBackward(
        ws, ws.dEmbB, dEmb.norm(), emb.norm(), ws.dEmbA, ws.embSum, ws.embMean, ws.embRstd, n, e);
    timed(
        ws,
        EMBEDDINGS,
        () ->
            Embeddings.backward(
                dEmb.word(),
                dEmb.position(),
                dEmb.tokenType(),
                ws.dEmbB,
                batch.inputIds(),
                batch.tokenTypeIds(),
                c.padTokenId(),
                bsz,
                t,
                e));
  }

  /** Runs every layer application backward from the last; returns the gradient of hidden[0]. */
  private static Slice layersBackward(
      AlbertConfig c, ParameterViews w, ParameterViews dw, Workspace ws, Slice dLast) {
    Slice dHidden = dLast;
    Slice dOther = dLast == ws.dHiddenA ? ws.dHiddenB : ws.dHiddenA;
    for (int layer = c.numHiddenLayers() - 1; layer >= 0; layer--) {
      int group = c.groupOfLayer(layer);
      for (int inner = c.innerGroupNum() - 1; inner >= 0; inner--) {
        int a = layer * c.innerGroupNum() + inner;
        layerBackward(c, w.layer(group, inner), dw.layer(group, inner), ws, a, dHidden, dOther);
        Slice swap = dHidden;
        dHidden = dOther;
        dOther = swap;
      }
    }
    return dHidden;
  }

  private static void headLogitGradient(
      Slice logits, int[] labels, int rows, int classes, double scale) {
    if (labels == null) {
      Elementwise.zero(logits.sub(0, (long) rows * classes));
    } else {
      CrossEntropy.gradientInPlace(logits, labels, rows, classes, (float) scale);
    }
  }

  /** MLM head backward; writes (not adds) the last hidden state's gradient into dHidden. */
  private static void pretrainingHeadsBackward(
      AlbertConfig c,
      PretrainingHeads w,
      PretrainingHeads dw,
      Batch batch,
      Workspace ws,
      LossScale scale,
      Slice dHidden) {
    int n = ws.batch * ws.seq, e = c.embeddingSize(), h = c.hiddenSize(), v = c.vocabSize();
    int rows = ws.mlmHeadRows;
    if (batch.mlmLabels() == null || rows == 0) {
      Elementwise.zero(dHidden);
      return;
    }
    boolean gathered = ws.mlmRows == MlmRows.LABELLED;
    int[] rowLabels = gathered ? ws.mlmRowLabels : batch.mlmLabels();
    float mlmScale = (float) scale.mlm();
    timed(ws, LOSS, () -> CrossEntropy.gradientInPlace(ws.mlmLogits, rowLabels, rows, v, mlmScale));
    // tied decoder: the word embeddings receive the decoder's gradient (pad row included)
    linearBackward(
        ws,
        MLM_DECODER_BACKWARD,
        ws.dEmbA,
        false,
        dw.decoder(),
        w.decoder(),
        ws.mlmLogits,
        ws.mlmOut,
        e,
        rows,
        e,
        v);
    layerNormBackward(
        ws,
        ws.dEmbB,
        dw.mlmNorm(),
        w.mlmNorm(),
        ws.dEmbA,
        ws.mlmAct,
        ws.mlmMean,
        ws.mlmRstd,
        rows,
        e);
    timed(
        ws,
        ACTIVATION,
        () -> Activations.backward(c.activation(), ws.dEmbB, ws.dEmbB, ws.mlmPre, (long) rows * e));
    if (!gathered) {
      Slice last = ws.hidden[ws.applications];
      linearBackward(ws, dHidden, false, dw.mlmDense(), w.mlmDense(), ws.dEmbB, last, n, h, e);
      return;
    }
    // [M, H] gradient of the gathered rows, scattered back to [N, H] (zero at unlabelled rows);
    // the other hidden-gradient buffer is free until the layers run backward
    Slice dGathered = dHidden == ws.dHiddenA ? ws.dHiddenB : ws.dHiddenA;
    linearBackward(
        ws, dGathered, false, dw.mlmDense(), w.mlmDense(), ws.dEmbB, ws.mlmIn, rows, h, e);
    timed(ws, MLM_GATHER, () -> Gather.backward(dHidden, dGathered, ws.mlmPositions, rows, n, h));
  }

  /**
   * Classifier on the (dropped-out) pooled output, tanh, pooler: adds into dHidden's first-token
   * rows.
   */
  private static void poolerAndClassifierBackward(
      AlbertConfig c,
      ParameterViews w,
      ParameterViews dw,
      Dense classifier,
      Dense dClassifier,
      Workspace ws,
      Slice dHidden,
      int classes) {
    int bsz = ws.batch, h = c.hiddenSize(), t = ws.seq;
    linearBackward(
        ws, ws.dCls, false, dClassifier, classifier, ws.headLogits, ws.clsIn, bsz, h, classes);
    dropoutBackward(ws, ws.dCls, ws.clsDropMask, (long) bsz * h);
    timed(
        ws,
        ACTIVATION,
        () -> Activations.tanhBackward(ws.dCls, ws.dCls, ws.pooled, (long) bsz * h));
    // pooler, on the last hidden state's first-token rows (T·H floats apart)
    Slice x = ws.hidden[ws.applications];
    linearBackward(
        ws, LINEAR_BACKWARD, dHidden, true, dw.pooler(), w.pooler(), ws.dCls, x, t * h, bsz, h, h);
  }

  /** Backward of one layer application: dOut (grad of hidden[a + 1]) → dIn (grad of hidden[a]). */
  private static void layerBackward(
      AlbertConfig c, Layer w, Layer dw, Workspace ws, int a, Slice dOut, Slice dIn) {
    Workspace.LayerActivations l = ws.layer(a);
    int n = ws.batch * ws.seq, h = c.hiddenSize(), inter = c.intermediateSize();
    int heads = c.numAttentionHeads();
    long nh = (long) n * h;
    Slice x = ws.hidden[a];
    // full_layer_layer_norm: dRes = ∂/∂res2
    layerNormBackward(
        ws, ws.dRes, dw.outputNorm(), w.outputNorm(), dOut, l.res2, l.mean2, l.rstd2, n, h);
    // res2 = ffn_output(act(ffn(attnOut))) + attnOut
    linearBackward(
        ws, ws.dFfn, false, dw.ffnOutput(), w.ffnOutput(), ws.dRes, l.ffnAct, n, inter, h);
    timed(
        ws,
        ACTIVATION,
        () -> Activations.backward(c.activation(), ws.dFfn, ws.dFfn, l.ffnPre, (long) n * inter));
    timed(ws, RESIDUAL_AND_DROPOUT, () -> ws.dTmp.copyFrom(ws.dRes));
    linearBackward(ws, ws.dTmp, true, dw.ffn(), w.ffn(), ws.dFfn, l.attnOut, n, h, inter);
    // attention LayerNorm: dRes = ∂/∂res1, res1 = x + dropout(dense(ctx))
    layerNormBackward(
        ws, ws.dRes, dw.attnNorm(), w.attnNorm(), ws.dTmp, l.res1, l.mean1, l.rstd1, n, h);
    timed(ws, RESIDUAL_AND_DROPOUT, () -> dIn.copyFrom(ws.dRes));
    dropoutBackward(ws, ws.dRes, l.projDropMask, nh);
    linearBackward(ws, ws.dCtx, false, dw.attnDense(), w.attnDense(), ws.dRes, l.ctx, n, h, h);
    timed(
        ws,
        ATTENTION_BACKWARD,
        () ->
            Attention.backward(
                ws.dQ,
                ws.dK,
                ws.dV,
                ws.dCtx,
                l.probs,
                l.dropped,
                l.dropMask,
                l.q,
                l.k,
                l.v,
                ws.dScores,
                ws.batch,
                ws.seq,
                heads,
                h / heads));
    // x fed q, k and v: their input gradients add up in dIn (which already holds the residual's)
    linearBackward(ws, dIn, true, dw.query(), w.query(), ws.dQ, x, n, h, h);
    linearBackward(ws, dIn, true, dw.key(), w.key(), ws.dK, x, n, h, h);
    linearBackward(ws, dIn, true, dw.value(), w.value(), ws.dV, x, n, h, h);
  }

  // ---- kernel calls timed under their kind of operation (the benchmark's breakdown) ----

  /** Runs {@code op}, adding its wall time to the workspace's profile when one is attached. */
  private static void timed(Workspace ws, Profile.Op kind, Runnable op) {
    long t0 = System.nanoTime();
    op.run();
    record(ws, kind, t0);
  }

  private static void record(Workspace ws, Profile.Op kind, long t0) {
    if (ws.profile != null) {
      ws.profile.record(kind, t0);
    }
  }

  /** out[rows, outDim] = in[rows, inDim] Wᵀ + b, timed as a linear forward. */
  private static void linear(
      Workspace ws, Slice out, Slice in, Dense d, int rows, int inDim, int outDim) {
    linear(ws, LINEAR_FORWARD, out, in, inDim, d, rows, inDim, outDim);
  }

  /** As above with input rows {@code inStride} floats apart, timed as {@code kind}. */
  private static void linear(
      Workspace ws,
      Profile.Op kind,
      Slice out,
      Slice in,
      int inStride,
      Dense d,
      int rows,
      int inDim,
      int outDim) {
    long t0 = System.nanoTime();
    Linear.forward(out, in, inStride, d.weight(), d.bias(), rows, inDim, outDim);
    record(ws, kind, t0);
  }

  /** dW, dB += the gradient of {@code d}; dIn = (or += when accumulating) dOut W. */
  private static void linearBackward(
      Workspace ws,
      Slice dIn,
      boolean accumulate,
      Dense grad,
      Dense d,
      Slice dOut,
      Slice in,
      int rows,
      int inDim,
      int outDim) {
    linearBackward(
        ws, LINEAR_BACKWARD, dIn, accumulate, grad, d, dOut, in, inDim, rows, inDim, outDim);
  }

  /** As above with input rows {@code inStride} floats apart, timed as {@code kind}. */
  private static void linearBackward(
      Workspace ws,
      Profile.Op kind,
      Slice dIn,
      boolean accumulate,
      Dense grad,
      Dense d,
      Slice dOut,
      Slice in,
      int inStride,
      int rows,
      int inDim,
      int outDim) {
    long t0 = System.nanoTime();
    Linear.backward(
        dIn,
        accumulate,
        grad.weight(),
        grad.bias(),
        dOut,
        in,
        inStride,
        d.weight(),
        rows,
        inDim,
        outDim);
    record(ws, kind, t0);
  }

  /** out = LayerNorm(in) with {@code norm}'s scale and shift; caches mean and rstd. */
  private static void layerNorm(
      Workspace ws,
      Slice out,
      Slice mean,
      Slice rstd,
      Slice in,
      Norm norm,
      int rows,
      int dim,
      AlbertConfig c) {
    long t0 = System.nanoTime();
    LayerNorm.forward(out, mean, rstd, in, norm.weight(), norm.bias(), rows, dim, c.layerNormEps());
    record(ws, LAYERNORM, t0);
  }

  /** dIn = the input gradient; the gradient of {@code norm} adds into {@code grad}. */
  private static void layerNormBackward(
      Workspace ws,
      Slice dIn,
      Norm grad,
      Norm norm,
      Slice dOut,
      Slice in,
      Slice mean,
      Slice rstd,
      int rows,
      int dim) {
    long t0 = System.nanoTime();
    LayerNorm.backward(
        dIn, grad.weight(), grad.bias(), dOut, in, norm.weight(), mean, rstd, rows, dim, false);
    record(ws, LAYERNORM, t0);
  }
}

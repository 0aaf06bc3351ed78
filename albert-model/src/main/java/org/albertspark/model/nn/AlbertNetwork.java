package org.albertspark.model.nn;

import java.util.SplittableRandom;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.kernels.Activations;
import org.albertspark.model.kernels.Attention;
import org.albertspark.model.kernels.CrossEntropy;
import org.albertspark.model.kernels.Dropout;
import org.albertspark.model.kernels.Elementwise;
import org.albertspark.model.kernels.Embeddings;
import org.albertspark.model.kernels.LayerNorm;
import org.albertspark.model.kernels.Linear;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.params.ParameterViews;
import org.albertspark.model.params.ParameterViews.Dense;
import org.albertspark.model.params.ParameterViews.Layer;
import org.albertspark.model.params.ParameterViews.PretrainingHeads;
import org.albertspark.model.tensor.Slice;

/**
 * ALBERT's forward pass and its explicit backward twin, layer by layer, over a {@link Workspace}.
 * Names of parameters are HF's; shapes are noted beside each call (N = B·T rows).
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
              + ws.batch
              + " x "
              + ws.seq
              + ", not "
              + batch.batchSize()
              + " x "
              + batch.seqLength());
    }
    batch.validate(c);
    ParameterViews p = model.parameters().views();
    SplittableRandom rng = new SplittableRandom(dropoutSeed);
    int bsz = batch.batchSize(), t = batch.seqLength(), n = bsz * t;
    int e = c.embeddingSize(), h = c.hiddenSize();

    for (int i = 0; i < n; i++) {
      ws.maskAdd.set(i, batch.attentionMask()[i] == 1 ? 0f : Attention.MASK_FILL);
    }
    // embeddings: [N, E]
    timed(
        ws,
        Profile.Op.EMBEDDINGS,
        () ->
            Embeddings.forward(
                ws.embSum,
                batch.inputIds(),
                batch.tokenTypeIds(),
                p.embeddings().word(),
                p.embeddings().position(),
                p.embeddings().tokenType(),
                bsz,
                t,
                e));
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.forward(
                ws.embOut,
                ws.embMean,
                ws.embRstd,
                ws.embSum,
                p.embeddings().norm().weight(),
                p.embeddings().norm().bias(),
                n,
                e,
                c.layerNormEps()));
    dropout(ws.embOut, ws.embDropMask, (long) n * e, c.hiddenDropoutProb(), rng);
    // E → H: [N, E] → [N, H]
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                ws.hidden[0],
                ws.embOut,
                p.embeddingMapping().weight(),
                p.embeddingMapping().bias(),
                n,
                e,
                h));

    for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
      int group = c.groupOfLayer(layer);
      for (int inner = 0; inner < c.innerGroupNum(); inner++) {
        int a = layer * c.innerGroupNum() + inner;
        layerForward(c, p.layer(group, inner), ws, a, rng);
      }
    }

    // pooler: tanh(W h[:, 0] + b), first token of each sequence (rows T·H apart): [B, H]
    Slice last = ws.hidden[ws.applications];
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                ws.pooled, last, t * h, p.pooler().weight(), p.pooler().bias(), bsz, h, h));
    timed(
        ws,
        Profile.Op.ACTIVATION,
        () -> Activations.tanhForward(ws.pooled, ws.pooled, (long) bsz * h));

    ws.clsIn.copyFrom(ws.pooled);
    dropout(ws.clsIn, ws.clsDropMask, (long) bsz * h, c.classifierDropoutProb(), rng);
    return model.head() == Head.PRETRAINING
        ? pretrainingHeadsForward(c, p, batch, ws)
        : classifierForward(c, p, batch, ws);
  }

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

  private static void dropout(Slice x, Slice mask, long n, double prob, SplittableRandom rng) {
    if (mask != null) {
      Dropout.fillMask(mask, n, prob, rng);
      Elementwise.multiplyInPlace(x, mask, n);
    }
  }

  /** One post-LN transformer layer: hidden[a] → hidden[a + 1]. */
  private static void layerForward(
      AlbertConfig c, Layer pl, Workspace ws, int a, SplittableRandom rng) {
    Workspace.LayerActivations l = ws.layer(a);
    int n = ws.batch * ws.seq, h = c.hiddenSize(), inter = c.intermediateSize();
    int heads = c.numAttentionHeads();
    Slice x = ws.hidden[a];
    // q, k, v: [N, H]
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () -> Linear.forward(l.q, x, pl.query().weight(), pl.query().bias(), n, h, h));
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () -> Linear.forward(l.k, x, pl.key().weight(), pl.key().bias(), n, h, h));
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () -> Linear.forward(l.v, x, pl.value().weight(), pl.value().bias(), n, h, h));
    if (l.dropMask != null) {
      Dropout.fillMask(l.dropMask, l.dropMask.size(), c.attentionProbsDropoutProb(), rng);
    }
    // probs [B, heads, T, T]; ctx [N, H]
    timed(
        ws,
        Profile.Op.ATTENTION_FORWARD,
        () ->
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
                ws.seq,
                heads,
                h / heads));
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                l.proj,
                l.ctx,
                pl.attentionOutput().weight(),
                pl.attentionOutput().bias(),
                n,
                h,
                h));
    dropout(l.proj, l.projDropMask, (long) n * h, c.hiddenDropoutProb(), rng);
    timed(
        ws,
        Profile.Op.RESIDUAL_AND_DROPOUT,
        () -> Elementwise.add(l.res1, x, l.proj, (long) n * h));
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.forward(
                l.attnOut,
                l.mean1,
                l.rstd1,
                l.res1,
                pl.attentionNorm().weight(),
                pl.attentionNorm().bias(),
                n,
                h,
                c.layerNormEps()));
    // FFN: [N, H] → [N, I] → [N, H], no dropout after it (as HF)
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () -> Linear.forward(l.ffnPre, l.attnOut, pl.ffn().weight(), pl.ffn().bias(), n, h, inter));
    timed(
        ws,
        Profile.Op.ACTIVATION,
        () -> Activations.forward(c.activation(), l.ffnAct, l.ffnPre, (long) n * inter));
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                l.res2, l.ffnAct, pl.ffnOutput().weight(), pl.ffnOutput().bias(), n, inter, h));
    timed(
        ws,
        Profile.Op.RESIDUAL_AND_DROPOUT,
        () -> Elementwise.addInPlace(l.res2, l.attnOut, (long) n * h));
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.forward(
                ws.hidden[a + 1],
                l.mean2,
                l.rstd2,
                l.res2,
                pl.outputNorm().weight(),
                pl.outputNorm().bias(),
                n,
                h,
                c.layerNormEps()));
  }

  private static Losses pretrainingHeadsForward(
      AlbertConfig c, ParameterViews p, Batch batch, Workspace ws) {
    int bsz = ws.batch,
        n = bsz * ws.seq,
        e = c.embeddingSize(),
        h = c.hiddenSize(),
        v = c.vocabSize();
    Slice last = ws.hidden[ws.applications];
    // MLM head: dense H→E, activation, LayerNorm, decoder tied to word embeddings: [N, V]
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                ws.mlmPre,
                last,
                p.pretraining().mlmDense().weight(),
                p.pretraining().mlmDense().bias(),
                n,
                h,
                e));
    timed(
        ws,
        Profile.Op.ACTIVATION,
        () -> Activations.forward(c.activation(), ws.mlmAct, ws.mlmPre, (long) n * e));
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.forward(
                ws.mlmOut,
                ws.mlmMean,
                ws.mlmRstd,
                ws.mlmAct,
                p.pretraining().mlmNorm().weight(),
                p.pretraining().mlmNorm().bias(),
                n,
                e,
                c.layerNormEps()));
    timed(
        ws,
        Profile.Op.MLM_DECODER_FORWARD,
        () ->
            Linear.forward(
                ws.mlmLogits,
                ws.mlmOut,
                p.pretraining().decoder().weight(),
                p.pretraining().decoder().bias(),
                n,
                e,
                v));
    // SOP: [B, 2]
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                ws.headLogits,
                ws.clsIn,
                p.pretraining().sop().weight(),
                p.pretraining().sop().bias(),
                bsz,
                h,
                2));

    double mlmSum = 0, sopSum = 0;
    long mlmCount = 0, sopCount = 0;
    if (batch.mlmLabels() != null) {
      long t0 = System.nanoTime();
      mlmSum = CrossEntropy.lossSum(ws.mlmLogits, batch.mlmLabels(), n, v);
      record(ws, Profile.Op.LOSS, t0);
      mlmCount = CrossEntropy.count(batch.mlmLabels(), n);
    }
    if (batch.sopLabels() != null) {
      sopSum = CrossEntropy.lossSum(ws.headLogits, batch.sopLabels(), bsz, 2);
      sopCount = CrossEntropy.count(batch.sopLabels(), bsz);
    }
    return new Losses(mlmSum, mlmCount, sopSum, sopCount, 0, 0);
  }

  private static Losses classifierForward(
      AlbertConfig c, ParameterViews p, Batch batch, Workspace ws) {
    int bsz = ws.batch, h = c.hiddenSize(), k = c.numLabels();
    timed(
        ws,
        Profile.Op.LINEAR_FORWARD,
        () ->
            Linear.forward(
                ws.headLogits,
                ws.clsIn,
                p.classifier().weight(),
                p.classifier().bias(),
                bsz,
                h,
                k));
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
    ParameterViews p = model.parameters().views();
    ParameterViews g = grads.views();
    int bsz = ws.batch, t = ws.seq, n = bsz * t, e = c.embeddingSize(), h = c.hiddenSize();
    Slice last = ws.hidden[ws.applications];
    Slice dHidden = ws.dHiddenA;

    if (model.head() == Head.PRETRAINING) {
      pretrainingHeadsBackward(c, p.pretraining(), g.pretraining(), batch, ws, scale, dHidden);
      headLogitGradient(ws.headLogits, batch.sopLabels(), bsz, 2, scale.sop());
      poolerAndClassifierBackward(
          c, p, g, p.pretraining().sop(), g.pretraining().sop(), ws, dHidden, 2);
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
      poolerAndClassifierBackward(c, p, g, p.classifier(), g.classifier(), ws, dHidden, k);
    }

    Slice dMapped = layersBackward(c, p, g, ws, dHidden);

    // E → H mapping, embedding dropout and LayerNorm, then the three tables
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                ws.dEmbA,
                false,
                g.embeddingMapping().weight(),
                g.embeddingMapping().bias(),
                dMapped,
                ws.embOut,
                p.embeddingMapping().weight(),
                n,
                e,
                h));
    if (ws.embDropMask != null) {
      timed(
          ws,
          Profile.Op.RESIDUAL_AND_DROPOUT,
          () -> Elementwise.multiplyInPlace(ws.dEmbA, ws.embDropMask, (long) n * e));
    }
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.backward(
                ws.dEmbB,
                g.embeddings().norm().weight(),
                g.embeddings().norm().bias(),
                ws.dEmbA,
                ws.embSum,
                p.embeddings().norm().weight(),
                ws.embMean,
                ws.embRstd,
                n,
                e,
                false));
    timed(
        ws,
        Profile.Op.EMBEDDINGS,
        () ->
            Embeddings.backward(
                g.embeddings().word(),
                g.embeddings().position(),
                g.embeddings().tokenType(),
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
      AlbertConfig c, ParameterViews p, ParameterViews g, Workspace ws, Slice dLast) {
    Slice dHidden = dLast;
    Slice dOther = dLast == ws.dHiddenA ? ws.dHiddenB : ws.dHiddenA;
    for (int layer = c.numHiddenLayers() - 1; layer >= 0; layer--) {
      int group = c.groupOfLayer(layer);
      for (int inner = c.innerGroupNum() - 1; inner >= 0; inner--) {
        int a = layer * c.innerGroupNum() + inner;
        layerBackward(c, p.layer(group, inner), g.layer(group, inner), ws, a, dHidden, dOther);
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
      PretrainingHeads p,
      PretrainingHeads g,
      Batch batch,
      Workspace ws,
      LossScale scale,
      Slice dHidden) {
    int n = ws.batch * ws.seq, e = c.embeddingSize(), h = c.hiddenSize(), v = c.vocabSize();
    if (batch.mlmLabels() == null) {
      Elementwise.zero(dHidden);
      return;
    }
    timed(
        ws,
        Profile.Op.LOSS,
        () ->
            CrossEntropy.gradientInPlace(
                ws.mlmLogits, batch.mlmLabels(), n, v, (float) scale.mlm()));
    // tied decoder: the word embeddings receive the decoder's gradient (pad row included)
    timed(
        ws,
        Profile.Op.MLM_DECODER_BACKWARD,
        () ->
            Linear.backward(
                ws.dEmbA,
                false,
                g.decoder().weight(),
                g.decoder().bias(),
                ws.mlmLogits,
                ws.mlmOut,
                p.decoder().weight(),
                n,
                e,
                v));
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.backward(
                ws.dEmbB,
                g.mlmNorm().weight(),
                g.mlmNorm().bias(),
                ws.dEmbA,
                ws.mlmAct,
                p.mlmNorm().weight(),
                ws.mlmMean,
                ws.mlmRstd,
                n,
                e,
                false));
    timed(
        ws,
        Profile.Op.ACTIVATION,
        () -> Activations.backward(c.activation(), ws.dEmbB, ws.dEmbB, ws.mlmPre, (long) n * e));
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                dHidden,
                false,
                g.mlmDense().weight(),
                g.mlmDense().bias(),
                ws.dEmbB,
                ws.hidden[ws.applications],
                p.mlmDense().weight(),
                n,
                h,
                e));
  }

  /**
   * Classifier on the (dropped-out) pooled output, tanh, pooler: adds into dHidden's first-token
   * rows.
   */
  private static void poolerAndClassifierBackward(
      AlbertConfig c,
      ParameterViews p,
      ParameterViews g,
      Dense pCls,
      Dense gCls,
      Workspace ws,
      Slice dHidden,
      int classes) {
    int bsz = ws.batch, h = c.hiddenSize(), t = ws.seq;
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                ws.dCls,
                false,
                gCls.weight(),
                gCls.bias(),
                ws.headLogits,
                ws.clsIn,
                pCls.weight(),
                bsz,
                h,
                classes));
    if (ws.clsDropMask != null) {
      timed(
          ws,
          Profile.Op.RESIDUAL_AND_DROPOUT,
          () -> Elementwise.multiplyInPlace(ws.dCls, ws.clsDropMask, (long) bsz * h));
    }
    timed(
        ws,
        Profile.Op.ACTIVATION,
        () -> Activations.tanhBackward(ws.dCls, ws.dCls, ws.pooled, (long) bsz * h));
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                dHidden,
                true,
                g.pooler().weight(),
                g.pooler().bias(),
                ws.dCls,
                ws.hidden[ws.applications],
                t * h,
                p.pooler().weight(),
                bsz,
                h,
                h));
  }

  /** Backward of one layer application: dOut (grad of hidden[a + 1]) → dIn (grad of hidden[a]). */
  private static void layerBackward(
      AlbertConfig c, Layer pl, Layer gl, Workspace ws, int a, Slice dOut, Slice dIn) {
    Workspace.LayerActivations l = ws.layer(a);
    int n = ws.batch * ws.seq, h = c.hiddenSize(), inter = c.intermediateSize();
    int heads = c.numAttentionHeads();
    long nh = (long) n * h;
    Slice x = ws.hidden[a];
    // full_layer_layer_norm: dRes = ∂/∂res2
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.backward(
                ws.dRes,
                gl.outputNorm().weight(),
                gl.outputNorm().bias(),
                dOut,
                l.res2,
                pl.outputNorm().weight(),
                l.mean2,
                l.rstd2,
                n,
                h,
                false));
    // res2 = ffn_output(act(ffn(attnOut))) + attnOut
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                ws.dFfn,
                false,
                gl.ffnOutput().weight(),
                gl.ffnOutput().bias(),
                ws.dRes,
                l.ffnAct,
                pl.ffnOutput().weight(),
                n,
                inter,
                h));
    timed(
        ws,
        Profile.Op.ACTIVATION,
        () -> Activations.backward(c.activation(), ws.dFfn, ws.dFfn, l.ffnPre, (long) n * inter));
    timed(ws, Profile.Op.RESIDUAL_AND_DROPOUT, () -> ws.dTmp.copyFrom(ws.dRes));
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                ws.dTmp,
                true,
                gl.ffn().weight(),
                gl.ffn().bias(),
                ws.dFfn,
                l.attnOut,
                pl.ffn().weight(),
                n,
                h,
                inter));
    // attention LayerNorm: dRes = ∂/∂res1, res1 = x + dropout(dense(ctx))
    timed(
        ws,
        Profile.Op.LAYERNORM,
        () ->
            LayerNorm.backward(
                ws.dRes,
                gl.attentionNorm().weight(),
                gl.attentionNorm().bias(),
                ws.dTmp,
                l.res1,
                pl.attentionNorm().weight(),
                l.mean1,
                l.rstd1,
                n,
                h,
                false));
    timed(ws, Profile.Op.RESIDUAL_AND_DROPOUT, () -> dIn.copyFrom(ws.dRes));
    if (l.projDropMask != null) {
      timed(
          ws,
          Profile.Op.RESIDUAL_AND_DROPOUT,
          () -> Elementwise.multiplyInPlace(ws.dRes, l.projDropMask, nh));
    }
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                ws.dCtx,
                false,
                gl.attentionOutput().weight(),
                gl.attentionOutput().bias(),
                ws.dRes,
                l.ctx,
                pl.attentionOutput().weight(),
                n,
                h,
                h));
    timed(
        ws,
        Profile.Op.ATTENTION_BACKWARD,
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
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                dIn,
                true,
                gl.query().weight(),
                gl.query().bias(),
                ws.dQ,
                x,
                pl.query().weight(),
                n,
                h,
                h));
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                dIn,
                true,
                gl.key().weight(),
                gl.key().bias(),
                ws.dK,
                x,
                pl.key().weight(),
                n,
                h,
                h));
    timed(
        ws,
        Profile.Op.LINEAR_BACKWARD,
        () ->
            Linear.backward(
                dIn,
                true,
                gl.value().weight(),
                gl.value().bias(),
                ws.dV,
                x,
                pl.value().weight(),
                n,
                h,
                h));
  }
}

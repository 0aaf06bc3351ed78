package org.albertspark.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.testing.ThreadAllocation;
import org.junit.jupiter.api.Test;

/** Behaviour of the three optimizers beyond the one-step fixture. */
class OptimizerTest {

  private static final List<String> KINDS = List.of("lamb", "albert_adamw", "torch_adamw");
  private final ParameterLayout layout = OptimTestSupport.tinyLayout();

  private static final String W = ParameterLayout.WORD_EMBEDDINGS;
  private static final String LN_W = "albert.embeddings.LayerNorm.weight";
  private static final String FULL_LN_W =
      ParameterLayout.layerPrefix(0, 0) + "full_layer_layer_norm.weight";
  private static final String FFN_B = ParameterLayout.layerPrefix(0, 0) + "ffn.bias";
  private static final String DECODER_BIAS = "predictions.bias";
  private static final String QUERY_W =
      ParameterLayout.layerPrefix(0, 0) + "attention.query.weight";

  // ------------------------------------------------------------------ exclusions

  @Test
  void albertExclusionIsRegexSearchOverLayerNormLayerNormAndBias() {
    ExclusionRule r = ExclusionRule.ALBERT;
    assertTrue(r.excludes(LN_W));
    assertTrue(r.excludes("albert.embeddings.LayerNorm.bias"));
    assertTrue(r.excludes(FULL_LN_W));
    assertTrue(r.excludes(FFN_B));
    assertTrue(r.excludes(DECODER_BIAS));
    assertTrue(r.excludes("predictions.LayerNorm.weight"));
    assertFalse(r.excludes(W));
    assertFalse(r.excludes(QUERY_W));
    assertFalse(r.excludes("sop_classifier.classifier.weight"));
    // Search anywhere in the name, as re.search (TF names: ".../output_bias",
    // ".../LayerNorm/gamma").
    assertTrue(r.excludes("cls/predictions/output_bias"));
    assertTrue(r.excludes("bert/encoder/LayerNorm/gamma"));
    assertFalse(ExclusionRule.NONE.excludes(DECODER_BIAS));
  }

  @Test
  void onHfNamesAlbertExclusionAgreesWithTheLayoutsOwnFlag() {
    AlbertConfig seqcls =
        AlbertConfig.fromJson(
            """
        {"vocab_size": 16, "embedding_size": 4, "hidden_size": 8, "num_hidden_layers": 4,
         "num_hidden_groups": 2, "inner_group_num": 2, "num_attention_heads": 2,
         "intermediate_size": 12, "max_position_embeddings": 8,
         "architectures": ["AlbertForSequenceClassification"], "num_labels": 3}""");
    for (ParameterLayout l :
        List.of(layout, ParameterLayout.of(seqcls, ParameterLayout.Head.SEQUENCE_CLASSIFICATION))) {
      for (ParameterLayout.Entry e : l.entries()) {
        assertEquals(
            e.role() != ParameterLayout.Role.WEIGHT,
            ExclusionRule.ALBERT.excludes(e.name()),
            e.name());
      }
    }
  }

  @Test
  void perTensorDecisions() {
    Lamb lamb = new Lamb(layout, OptimizerConfig.albert());
    for (String n : List.of(W, QUERY_W)) {
      assertTrue(lamb.decays(n), n);
      assertTrue(lamb.adapts(n), n);
    }
    for (String n : List.of(LN_W, FULL_LN_W, FFN_B, DECODER_BIAS)) {
      assertFalse(lamb.decays(n), n);
      assertFalse(lamb.adapts(n), n);
    }
    // Weight decay 0 turns decay off everywhere but leaves the trust ratio as it was.
    Lamb noDecay = new Lamb(layout, OptimizerConfig.albert().withWeightDecay(0));
    assertFalse(noDecay.decays(W));
    assertTrue(noDecay.adapts(W));
    assertFalse(noDecay.adapts(FFN_B));
    // torch AdamW decays everything by default.
    AdamW torch = new AdamW(layout, OptimizerConfig.torchDefaults());
    assertTrue(torch.decays(DECODER_BIAS));
    assertTrue(torch.decays(LN_W));
  }

  // ------------------------------------------------------------------ zero gradients

  @Test
  void zeroGradientsGiveNoNaNAndOnlyDecay() {
    double lr = 1e-3, wd = 0.01;
    OptimizerConfig c = OptimizerConfig.albert();
    FlatTensors p0 = OptimTestSupport.random(layout, 11, 0.1);
    FlatTensors zero = FlatTensors.zeros(layout);
    for (String kind : KINDS) {
      Optimizer opt =
          Optimizer.create(
              kind, layout, kind.equals("torch_adamw") ? c.withExclusion(ExclusionRule.NONE) : c);
      FlatTensors p = OptimTestSupport.copy(p0);
      opt.step(p, zero, lr);
      for (ParameterLayout.Entry e : layout.entries()) {
        float[] a = p.toArray(e.name()), b = p0.toArray(e.name());
        boolean decays = kind.equals("torch_adamw") || e.role() == ParameterLayout.Role.WEIGHT;
        // LAMB: u = wd·p, ratio = ||p|| / ||wd·p|| = 1/wd, so p -= lr·p. AdamW variants: p -=
        // lr·wd·p.
        double factor = !decays ? 1 : kind.equals("lamb") ? 1 - lr : 1 - lr * wd;
        for (int i = 0; i < a.length; i++) {
          assertFalse(Float.isNaN(a[i]), kind + " " + e.name());
          assertEquals(
              b[i] * factor, a[i], 2 * Math.ulp(b[i]), kind + " " + e.name() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void zeroParametersAndGradientsStayZero() {
    for (String kind : KINDS) {
      Optimizer opt = Optimizer.create(kind, layout, OptimizerConfig.albert());
      FlatTensors p = FlatTensors.zeros(layout);
      FlatTensors g = FlatTensors.zeros(layout);
      for (int s = 0; s < 3; s++) {
        opt.step(p, g, 1e-3);
      }
      for (float x : p.memory().all().toArray()) {
        assertEquals(0f, x, 0f, kind);
      }
      // Zero parameters, nonzero gradient: LAMB's ratio falls back to 1, no NaN.
      g.copyFrom(OptimTestSupport.random(layout, 5, 0.1));
      opt.step(p, g, 1e-3);
      for (float x : p.memory().all().toArray()) {
        assertTrue(Float.isFinite(x), kind);
      }
    }
  }

  // ------------------------------------------------------------------ multi-step vs a plain
  // reference

  /**
   * Five steps with changing gradients and learning rates against a straightforward double
   * precision transcription of each reference (per tensor, on heap arrays). This covers what a
   * one-step fixture cannot: moments carried over and torch's bias correction at t > 1. The float32
   * implementation may differ by its own rounding: ≤ 8 ulp of the parameter + 1e-5 of the total
   * change.
   */
  @Test
  void multiStepMatchesPlainDoubleReference() {
    OptimizerConfig albert = OptimizerConfig.albert();
    OptimizerConfig torch = new OptimizerConfig(0.9, 0.999, 1e-6, 0.01, ExclusionRule.NONE);
    checkAgainstReference(new Lamb(layout, albert), albert, OptimizerTest::lambReference);
    checkAgainstReference(
        new AlbertAdamWeightDecay(layout, albert), albert, OptimizerTest::albertAdamReference);
    checkAgainstReference(new AdamW(layout, torch), torch, OptimizerTest::torchReference);
  }

  /** State of the double reference for one tensor. */
  private record Ref(String name, double[] p, double[] m, double[] v, OptimizerConfig c, int[] t) {}

  private void checkAgainstReference(
      Optimizer opt, OptimizerConfig c, BiFunction<Ref, double[], Void> refStep) {
    FlatTensors p = OptimTestSupport.random(layout, 21, 0.1);
    FlatTensors p0 = OptimTestSupport.copy(p);
    Map<String, Ref> refs = new HashMap<>();
    for (ParameterLayout.Entry e : layout.entries()) {
      float[] x = p.toArray(e.name());
      double[] d = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        d[i] = x[i];
      }
      refs.put(
          e.name(),
          new Ref(e.name(), d, new double[x.length], new double[x.length], c, new int[] {0}));
    }
    LearningRateSchedule schedule = LearningRateSchedule.albert(1e-2, 10, 2);
    for (int step = 0; step < 5; step++) {
      FlatTensors g = OptimTestSupport.random(layout, 100 + step, step == 3 ? 1e-7 : 0.05);
      double lr = schedule.at(step + 1);
      for (ParameterLayout.Entry e : layout.entries()) {
        Ref r = refs.get(e.name());
        double[] gd = new double[(int) e.size()];
        float[] gf = g.toArray(e.name());
        for (int i = 0; i < gd.length; i++) {
          gd[i] = gf[i];
        }
        r.t()[0]++;
        refStep.apply(
            new Ref(
                r.name(), r.p(), r.m(), r.v(), c, new int[] {r.t()[0], (int) Math.round(lr * 1e9)}),
            gd);
      }
      opt.step(p, g, lr);
    }
    for (ParameterLayout.Entry e : layout.entries()) {
      float[] a = p.toArray(e.name()), start = p0.toArray(e.name());
      double[] b = refs.get(e.name()).p();
      for (int i = 0; i < a.length; i++) {
        double tol = 8 * Math.ulp((float) b[i]) + 1e-5 * Math.abs(b[i] - start[i]);
        assertEquals(b[i], a[i], tol, opt.name() + " " + e.name() + "[" + i + "]");
      }
    }
  }

  private static double lrOf(Ref r) {
    return r.t()[1] / 1e9;
  }

  private static boolean decays(Ref r) {
    return r.c().weightDecay() != 0 && !r.c().exclusion().excludes(r.name());
  }

  private static double[] albertUpdate(Ref r, double[] g) {
    OptimizerConfig c = r.c();
    double[] u = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      r.m()[i] = c.beta1() * r.m()[i] + (1 - c.beta1()) * g[i];
      r.v()[i] = c.beta2() * r.v()[i] + (1 - c.beta2()) * g[i] * g[i];
      u[i] = r.m()[i] / (Math.sqrt(r.v()[i]) + c.epsilon());
      if (decays(r)) {
        u[i] += c.weightDecay() * r.p()[i];
      }
    }
    return u;
  }

  private static Void lambReference(Ref r, double[] g) {
    double[] u = albertUpdate(r, g);
    double ratio = 1;
    if (!r.c().exclusion().excludes(r.name())) {
      double wn = 0, un = 0;
      for (int i = 0; i < u.length; i++) {
        wn += r.p()[i] * r.p()[i];
        un += u[i] * u[i];
      }
      wn = Math.sqrt(wn);
      un = Math.sqrt(un);
      ratio = wn > 0 ? (un > 0 ? wn / un : 1) : 1;
    }
    for (int i = 0; i < u.length; i++) {
      r.p()[i] -= lrOf(r) * ratio * u[i];
    }
    return null;
  }

  private static Void albertAdamReference(Ref r, double[] g) {
    double[] u = albertUpdate(r, g);
    for (int i = 0; i < u.length; i++) {
      r.p()[i] -= lrOf(r) * u[i];
    }
    return null;
  }

  private static Void torchReference(Ref r, double[] g) {
    OptimizerConfig c = r.c();
    int t = r.t()[0];
    double lr = lrOf(r);
    double bc1 = 1 - Math.pow(c.beta1(), t), bc2 = 1 - Math.pow(c.beta2(), t);
    for (int i = 0; i < g.length; i++) {
      if (decays(r)) {
        r.p()[i] *= 1 - lr * c.weightDecay();
      }
      r.m()[i] = c.beta1() * r.m()[i] + (1 - c.beta1()) * g[i];
      r.v()[i] = c.beta2() * r.v()[i] + (1 - c.beta2()) * g[i] * g[i];
      double denom = Math.sqrt(r.v()[i]) / Math.sqrt(bc2) + c.epsilon();
      r.p()[i] -= lr / bc1 * r.m()[i] / denom;
    }
    return null;
  }

  // ------------------------------------------------------------------ determinism and checkpoints

  @Test
  void multiStepRunsAreBitForBitDeterministic() {
    for (String kind : KINDS) {
      float[] a = run(kind, 6), b = run(kind, 6);
      assertArrayEquals(a, b, kind);
    }
  }

  private float[] run(String kind, int steps) {
    Optimizer opt = Optimizer.create(kind, layout, OptimizerConfig.albert());
    FlatTensors p = OptimTestSupport.random(layout, 7, 0.1);
    for (int s = 0; s < steps; s++) {
      FlatTensors g = OptimTestSupport.random(layout, 1000 + s, 0.5);
      GradientClipping.clipByGlobalNorm(g, 1.0);
      opt.step(p, g, LearningRateSchedule.albert(1e-3, 10, 2).at(s));
    }
    return p.memory().all().toArray();
  }

  @Test
  void stateRestoreResumesExactly() {
    for (String kind : KINDS) {
      Optimizer a = Optimizer.create(kind, layout, OptimizerConfig.albert());
      FlatTensors p = OptimTestSupport.random(layout, 7, 0.1);
      for (int s = 0; s < 3; s++) {
        a.step(p, OptimTestSupport.random(layout, 1000 + s, 0.5), 1e-3);
      }
      // "Checkpoint": copies of the moments, the step count and the parameters.
      Map<String, FlatTensors> saved = new HashMap<>();
      a.state().forEach((k, v) -> saved.put(k, OptimTestSupport.copy(v)));
      long steps = a.stepCount();
      FlatTensors pSaved = OptimTestSupport.copy(p);
      for (int s = 3; s < 5; s++) {
        a.step(p, OptimTestSupport.random(layout, 1000 + s, 0.5), 1e-3);
      }
      Optimizer b = Optimizer.create(kind, layout, OptimizerConfig.albert());
      b.restore(saved, steps);
      assertEquals(3, b.stepCount());
      for (int s = 3; s < 5; s++) {
        b.step(pSaved, OptimTestSupport.random(layout, 1000 + s, 0.5), 1e-3);
      }
      assertEquals(5, b.stepCount());
      assertArrayEquals(p.memory().all().toArray(), pSaved.memory().all().toArray(), kind);
      assertEquals(List.of("m", "v"), List.copyOf(b.state().keySet()));
      assertThrows(IllegalArgumentException.class, () -> b.restore(Map.of("m", saved.get("m")), 1));
      assertThrows(IllegalArgumentException.class, () -> b.restore(saved, -1));
    }
  }

  @Test
  void rejectsMismatchedLayoutsAndUnknownNames() {
    Optimizer opt = new Lamb(layout, OptimizerConfig.albert());
    ParameterLayout other =
        ParameterLayout.of(
            AlbertConfig.fromJson(
                """
        {"vocab_size": 17, "embedding_size": 4, "hidden_size": 8, "num_hidden_layers": 1,
         "num_attention_heads": 2, "intermediate_size": 12, "max_position_embeddings": 8}"""),
            ParameterLayout.Head.PRETRAINING);
    FlatTensors p = FlatTensors.zeros(layout);
    assertThrows(IllegalArgumentException.class, () -> opt.step(p, FlatTensors.zeros(other), 1e-3));
    assertThrows(IllegalArgumentException.class, () -> opt.step(FlatTensors.zeros(other), p, 1e-3));
    assertThrows(IllegalArgumentException.class, () -> opt.step(p, p, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> Optimizer.create("sgd", layout, OptimizerConfig.albert()));
    assertEquals(0, opt.stepCount());
  }

  // ------------------------------------------------------------------ no allocation per step

  @Test
  void stepsAllocateNothingAndKeepTheirBuffers() throws InterruptedException {
    // Gradients well above the clipping threshold, so the first clip scales them.
    FlatTensors g0 = OptimTestSupport.random(layout, 3, 0.5);
    assertTrue(GradientClipping.globalNorm(g0) > 1.0);
    LearningRateSchedule schedule = LearningRateSchedule.albert(1e-3, 1000, 10);
    for (String kind : KINDS) {
      Optimizer opt = Optimizer.create(kind, layout, OptimizerConfig.albert());
      FlatTensors p = OptimTestSupport.random(layout, 7, 0.1);
      FlatTensors g = OptimTestSupport.copy(g0);
      Map<String, FlatTensors> state = opt.state();
      Runnable step =
          () -> {
            GradientClipping.scale(g, 2f); // norm ~2 each time, so the clip below scales every step
            GradientClipping.clipByGlobalNorm(g, 1.0);
            opt.step(p, g, schedule.at(opt.stepCount()));
          };
      // Until C2 has compiled the vector kernels the Vector API boxes its vectors on the heap, and
      // when that happens depends on JIT timing: on a loaded machine the compiler threads get the
      // CPU late while the steps (tiny here) race through thousands of windows. Steady state is
      // what counts, so the bound is wall time, not a window count: run windows of 200 steps until
      // one allocates (almost) nothing, for at most two minutes. Only this thread's allocations
      // count (ThreadAllocation), never the compiler's or another test's.
      long deadline = System.nanoTime() + 120_000_000_000L;
      long allocated = Long.MAX_VALUE;
      int window = 0;
      while (allocated >= 4096 && System.nanoTime() < deadline) {
        long before = ThreadAllocation.bytes();
        for (int i = 0; i < 200; i++) {
          step.run();
        }
        allocated = ThreadAllocation.bytes() - before;
        window++;
        if (allocated >= 4096 && window % 40 == 0) {
          Thread.sleep(50); // let the starved compiler threads run
        }
      }
      System.out.printf(
          "%s: %d bytes allocated in window %d of 200 steps%n", kind, allocated, window);
      assertTrue(
          allocated < 4096,
          kind
              + " still allocated "
              + allocated
              + " bytes per 200 steps after "
              + window * 200
              + " steps");
      state.forEach((k, v) -> assertSame(v, opt.state().get(k), kind + " replaced its " + k));
    }
  }
}

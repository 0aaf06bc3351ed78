package org.albertspark.model.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One optimizer step from the fixture's model.safetensors with grads.safetensors must give the
 * parameters in optim_step1.safetensors (prefixes lamb/, albert_adamw/, torch_adamw/), for every
 * tensor. Hyperparameters are those meta.json states: lr 1e-3, betas 0.9/0.999, eps 1e-6, weight
 * decay 0.01; the ALBERT variants clip by global norm 1.0 first, torch AdamW takes the raw grads.
 *
 * <p>Tolerance, from float32 rounding: both sides compute the new parameter in float32, so they may
 * differ by the rounding of the result (a couple of ulps of the parameter) plus a relative error of
 * the step itself from a handful of float32 operations and norm sums in a different order (well
 * under 1e-5 of the step). Hence |actual − expected| ≤ 2 ulp(expected) + 1e-5 · |expected − p0|,
 * where p0 is the parameter before the step. Any semantic slip (bias correction, eps placement,
 * decay on an excluded tensor, trust ratio) moves the step by far more than 1e-5 of it.
 */
class OptimFixtureTest {

  private static final double LR = 1e-3;
  private static final double CLIP = 1.0;

  private static Path dir;
  private static JsonNode meta;
  private static ParameterLayout layout;
  private static FlatTensors model;
  private static FlatTensors grads;

  @BeforeAll
  static void load() throws IOException {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(
        shared != null,
        "system property albert.shared.dir is not set: skipping the optimizer fixture test");
    dir = Path.of(shared, "fixtures", "model", "tiny_min_g1");
    assumeTrue(
        Files.isRegularFile(dir.resolve("optim_step1.safetensors")),
        "no fixture "
            + dir.resolve("optim_step1.safetensors")
            + ": skipping the optimizer fixture test");
    meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
    layout = ParameterLayout.of(AlbertConfig.read(dir.resolve("config.json")), Head.PRETRAINING);
    model = read(dir.resolve("model.safetensors"), "");
    grads = read(dir.resolve("grads.safetensors"), "");
  }

  private static FlatTensors read(Path file, String prefix) throws IOException {
    FlatTensors t = FlatTensors.zeros(layout);
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      for (ParameterLayout.Entry e : layout.entries()) {
        t.set(e.name(), f.floats(prefix + e.name()));
      }
    }
    return t;
  }

  private static FlatTensors copy(FlatTensors t) {
    FlatTensors c = FlatTensors.zeros(t.layout());
    c.copyFrom(t);
    return c;
  }

  @Test
  void fixtureHoldsExactlyTheThreeOptimizersOverEveryTensor() throws IOException {
    List<String> expected = new ArrayList<>();
    for (String prefix : List.of("lamb/", "albert_adamw/", "torch_adamw/")) {
      for (ParameterLayout.Entry e : layout.entries()) {
        expected.add(prefix + e.name());
      }
    }
    try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("optim_step1.safetensors"))) {
      assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(f.names()));
    }
  }

  @Test
  void globalNormBeforeClipMatchesMeta() {
    double expected = meta.path("optim_step1").path("grad_global_norm_before_clip").asDouble();
    assertTrue(expected > CLIP, "the fixture's gradient must actually be clipped");
    FlatTensors g = copy(grads);
    double norm = GradientClipping.clipByGlobalNorm(g, CLIP);
    // Sum of 3562 squares in double vs the reference's: 1e-6 relative is float32-level agreement.
    assertEquals(expected, norm, 1e-6 * expected);
    assertEquals(CLIP, GradientClipping.globalNorm(g), 1e-6);
  }

  @Test
  void lambMatchesFixture() throws IOException {
    check("lamb/", new Lamb(layout, albertConfig()), true);
  }

  @Test
  void albertAdamWeightDecayMatchesFixture() throws IOException {
    check("albert_adamw/", new AlbertAdamWeightDecay(layout, albertConfig()), true);
  }

  @Test
  void torchAdamWMatchesFixture() throws IOException {
    OptimizerConfig c = new OptimizerConfig(0.9, 0.999, 1e-6, 0.01, ExclusionRule.NONE);
    check("torch_adamw/", new AdamW(layout, c), false);
  }

  /** ALBERT's hyperparameters, which are also what meta.json describes for this fixture. */
  private static OptimizerConfig albertConfig() {
    OptimizerConfig c = OptimizerConfig.albert();
    assertEquals(new OptimizerConfig(0.9, 0.999, 1e-6, 0.01, ExclusionRule.ALBERT), c);
    return c;
  }

  /**
   * Negative controls: plausible wrong semantics must fail the same comparison, so the tolerance is
   * known to discriminate.
   */
  @Test
  void wrongSemanticsAreDetected() throws IOException {
    OptimizerConfig albert = albertConfig();
    // LAMB without the trust ratio (= ALBERT AdamW) against the LAMB result.
    assertTrue(worstRatio("lamb/", new AlbertAdamWeightDecay(layout, albert), true) > 1);
    // LAMB with the trust ratio on LayerNorm and bias too.
    assertTrue(worstRatio("lamb/", new Lamb(layout, albert, ExclusionRule.NONE), true) > 1);
    // ALBERT AdamW with decay on every tensor.
    assertTrue(
        worstRatio(
                "albert_adamw/",
                new AlbertAdamWeightDecay(layout, albert.withExclusion(ExclusionRule.NONE)),
                true)
            > 1);
    // ALBERT AdamW without clipping first.
    assertTrue(worstRatio("albert_adamw/", new AlbertAdamWeightDecay(layout, albert), false) > 1);
    // torch AdamW on clipped grads, or with ALBERT's exclusions, or with eps 1e-8.
    OptimizerConfig torch = new OptimizerConfig(0.9, 0.999, 1e-6, 0.01, ExclusionRule.NONE);
    assertTrue(worstRatio("torch_adamw/", new AdamW(layout, torch), true) > 1);
    assertTrue(
        worstRatio(
                "torch_adamw/", new AdamW(layout, torch.withExclusion(ExclusionRule.ALBERT)), false)
            > 1);
    assertTrue(worstRatio("torch_adamw/", new AdamW(layout, torch.withEpsilon(1e-8)), false) > 1);
  }

  private void check(String prefix, Optimizer opt, boolean clip) throws IOException {
    Comparison c = compare(prefix, opt, clip);
    System.out.printf("%s: worst |diff|/tol = %.3f at %s%n", prefix, c.worst, c.worstAt);
    assertTrue(
        c.failures.isEmpty(),
        prefix
            + " differs from the fixture (tolerance 2 ulp + 1e-5 of the step):\n  "
            + String.join("\n  ", c.failures));
  }

  private double worstRatio(String prefix, Optimizer opt, boolean clip) throws IOException {
    return compare(prefix, opt, clip).worst;
  }

  private record Comparison(double worst, String worstAt, List<String> failures) {}

  /** One step of {@code opt} from the fixture's model and grads, compared with optim_step1. */
  private Comparison compare(String prefix, Optimizer opt, boolean clip) throws IOException {
    FlatTensors p = copy(model);
    FlatTensors g = copy(grads);
    if (clip) {
      GradientClipping.clipByGlobalNorm(g, CLIP);
    }
    opt.step(p, g, LR);
    assertEquals(1, opt.stepCount());
    FlatTensors expected = read(dir.resolve("optim_step1.safetensors"), prefix);
    List<String> failures = new ArrayList<>();
    double worst = 0;
    String worstAt = "";
    for (ParameterLayout.Entry e : layout.entries()) {
      float[] a = p.toArray(e.name());
      float[] b = expected.toArray(e.name());
      float[] p0 = model.toArray(e.name());
      for (int i = 0; i < a.length; i++) {
        double diff = Math.abs((double) a[i] - b[i]);
        double tol = 2 * Math.ulp(b[i]) + 1e-5 * Math.abs((double) b[i] - p0[i]);
        if (diff / tol > worst) {
          worst = diff / tol;
          worstAt = e.name() + "[" + i + "]: got " + a[i] + ", expected " + b[i] + ", was " + p0[i];
        }
        if (!(diff <= tol) && failures.size() < 10) {
          failures.add(
              e.name()
                  + "["
                  + i
                  + "]: got "
                  + a[i]
                  + ", expected "
                  + b[i]
                  + " (was "
                  + p0[i]
                  + ", diff "
                  + diff
                  + " > tol "
                  + tol
                  + ")");
        }
      }
    }
    return new Comparison(worst, worstAt, failures);
  }
}

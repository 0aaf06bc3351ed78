package org.albertspark.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.junit.jupiter.api.Test;

/** clip_by_global_norm: norm over all tensors, scale maxNorm / max(norm, maxNorm). */
class GradientClippingTest {

  private final ParameterLayout layout = OptimTestSupport.tinyLayout();

  @Test
  void globalNormIsOverEveryTensorTogether() {
    FlatTensors g = FlatTensors.zeros(layout);
    g.slice("albert.pooler.bias").set(0, 3f);
    g.slice(ParameterLayout.WORD_EMBEDDINGS).set(5, -4f);
    assertEquals(5.0, GradientClipping.globalNorm(g), 0.0);
    FlatTensors r = OptimTestSupport.random(layout, 1, 0.3);
    double sum = 0;
    for (ParameterLayout.Entry e : layout.entries()) {
      for (float x : r.toArray(e.name())) {
        sum += (double) x * x;
      }
    }
    assertEquals(Math.sqrt(sum), GradientClipping.globalNorm(r), 1e-12 * Math.sqrt(sum));
  }

  @Test
  void belowThresholdLeavesGradientsBitForBit() {
    FlatTensors g = OptimTestSupport.random(layout, 2, 1e-3);
    float[] before = g.memory().all().toArray();
    double norm = GradientClipping.globalNorm(g);
    assertTrue(norm < 1.0);
    assertEquals(norm, GradientClipping.clipByGlobalNorm(g, 1.0), 0.0);
    assertArrayEquals(before, g.memory().all().toArray());
    // Exactly at the threshold: unchanged too (scale 1).
    assertEquals(norm, GradientClipping.clipByGlobalNorm(g, norm), 0.0);
    assertArrayEquals(before, g.memory().all().toArray());
  }

  @Test
  void aboveThresholdScalesToTheThresholdKeepingDirection() {
    FlatTensors g = OptimTestSupport.random(layout, 3, 1.0);
    float[] before = g.memory().all().toArray();
    double norm = GradientClipping.globalNorm(g);
    assertTrue(norm > 2.0);
    assertEquals(norm, GradientClipping.clipByGlobalNorm(g, 2.0), 0.0);
    assertEquals(2.0, GradientClipping.globalNorm(g), 2.0 * 1e-6);
    float[] after = g.memory().all().toArray();
    float scale = (float) (2.0 / norm);
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i] * scale, after[i], 0.0f);
    }
  }

  @Test
  void zeroGradientStaysZeroWithoutNaN() {
    FlatTensors g = FlatTensors.zeros(layout);
    assertEquals(0.0, GradientClipping.clipByGlobalNorm(g, 1.0), 0.0);
    for (float x : g.memory().all().toArray()) {
      assertEquals(0f, x, 0f);
    }
  }

  @Test
  void nonFiniteNormIsReportedAndGradientsLeftAlone() {
    FlatTensors g = OptimTestSupport.random(layout, 4, 1.0);
    g.slice("albert.pooler.bias").set(1, Float.POSITIVE_INFINITY);
    float[] before = g.memory().all().toArray();
    assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(g, 1.0));
    assertArrayEquals(before, g.memory().all().toArray());
    g.slice("albert.pooler.bias").set(1, Float.NaN);
    assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(g, 1.0)));
  }

  @Test
  void rejectsBadThreshold() {
    FlatTensors g = FlatTensors.zeros(layout);
    assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(g, 0));
    assertThrows(
        IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(g, Double.NaN));
  }
}

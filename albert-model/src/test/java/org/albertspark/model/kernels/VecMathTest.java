package org.albertspark.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The hand-built vector exp and tanh against Math's, over their whole useful range. */
class VecMathTest {

  private static final int L = FloatVector.SPECIES_PREFERRED.length();

  @Test
  void expIsAccurateAndFlushesOnlyBelow2point5eMinus38() {
    double worst = 0;
    for (float x = -86.5f; x < 88.3f; x += 0.0137f) {
      float got = VecMath.exp(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, x)).lane(L - 1);
      double want = Math.exp(x);
      worst = Math.max(worst, Math.abs(got - want) / want);
    }
    assertTrue(worst < 3e-7, "worst relative error " + worst);
    assertEquals(
        0f,
        VecMath.exp(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, -Float.MAX_VALUE))
            .lane(0));
    assertEquals(1f, VecMath.exp(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, 0f)).lane(0));
  }

  @Test
  void tanhIsAccurateAndSaturates() {
    double worst = 0;
    for (float x = -20f; x < 20f; x += 0.00731f) {
      float got = VecMath.tanh(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, x)).lane(0);
      worst = Math.max(worst, Math.abs(got - Math.tanh(x)));
    }
    assertTrue(worst < 3e-7, "worst absolute error " + worst);
  }
}

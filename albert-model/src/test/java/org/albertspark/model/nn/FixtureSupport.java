package org.albertspark.model.nn;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared reference fixtures and the float32 comparison rule used against them. */
final class FixtureSupport {

  private FixtureSupport() {}

  static Path fixture(String name) {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(shared != null, "system property albert.shared.dir not set: skipping fixture test");
    Path dir = Path.of(shared, "fixtures", "model", name);
    assumeTrue(Files.isDirectory(dir), "fixture " + dir + " not found: skipping");
    return dir;
  }

  /** Reads the first {@code n} floats of a slice. */

  /**
   * Float32 rounding rule: the reference is float64 rounded to float32, ours is float32 throughout.
   * Accumulated rounding scales with the magnitude of the tensor's terms, so each element must be
   * within RTOL of its own value plus RTOL of the tensor's largest magnitude. RTOL = 1e-5 is ~80
   * float32 ulps (2^-23 ≈ 1.2e-7), the room a few hundred float32 accumulations need.
   */
  static final double RTOL = 1e-5;

  /**
   * The absolute error PyTorch's own float32 run shows against the float64 reference, from the
   * fixture's meta.json ("grads" for every gradient, else per output name; 0 when not measured). It
   * is the floor of the comparison: tensors that are exactly zero in float64 (the key bias
   * gradient, zero because softmax is shift-invariant per row) are float32 rounding noise in any
   * float32 implementation.
   */
  static double float32NoiseFloor(Path fixtureDir, String key) throws IOException {
    JsonNode errors =
        new ObjectMapper()
            .readTree(fixtureDir.resolve("meta.json").toFile())
            .path("torch_float32_vs_float64_max_abs_err");
    return errors.path(key).asDouble(0);
  }

  /** Returns the worst error as a fraction of the allowed error (≤ 1 passes). */
  static double worstRatio(float[] actual, float[] expected, double floor) {
    if (actual.length != expected.length) {
      throw new AssertionError("length " + actual.length + " != " + expected.length);
    }
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      double allowed = RTOL * (Math.abs(expected[i]) + scale) + floor + Float.MIN_NORMAL;
      double ratio = Math.abs((double) actual[i] - expected[i]) / allowed;
      if (!(ratio <= worst)) {
        worst = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
      }
    }
    return worst;
  }
}

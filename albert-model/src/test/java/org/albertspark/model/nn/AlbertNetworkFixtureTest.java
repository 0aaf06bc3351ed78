package org.albertspark.model.nn;

import static org.albertspark.model.nn.FixtureSupport.fixture;
import static org.albertspark.model.nn.FixtureSupport.worstRatio;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.tools.ForwardDump;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture: forward tensors, losses and every parameter gradient against HF's, tensor by
 * tensor.
 */
class AlbertNetworkFixtureTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny", "tiny_min_g1", "groups2_inner2", "hf_test_shape", "tiny_seqcls"})
  void matchesReference(String name) throws IOException {
    Path dir = fixture(name);
    AlbertModel model = ModelDirectory.load(dir);
    Map<String, ForwardDump.Tensor> actual;
    try (SafeTensorsFile in = SafeTensorsFile.open(dir.resolve("inputs.safetensors"))) {
      actual =
          ForwardDump.run(
              model, ForwardDump.readBatch(in, model.head(), model.config().numLabels()), true);
    }
    List<String> failures = new ArrayList<>();
    StringBuilder report = new StringBuilder(name + ": worst error / allowed\n");
    try (SafeTensorsFile expected = SafeTensorsFile.open(dir.resolve("expected.safetensors"))) {
      for (String key : expected.names()) {
        compare(
            key,
            actual.get(key),
            expected.floats(key),
            FixtureSupport.float32NoiseFloor(dir, key),
            failures,
            report);
      }
    }
    try (SafeTensorsFile expected = SafeTensorsFile.open(dir.resolve("grads.safetensors"))) {
      double gradFloor = FixtureSupport.float32NoiseFloor(dir, "grads");
      if (gradFloor == 0) {
        // No PyTorch float32 measurement in meta.json: 8 float32 ulps of the largest gradient,
        // the size the measured fixtures show (≤ 4.5e-7 · max |grad|).
        double max = 0;
        for (String key : expected.names()) {
          for (float v : expected.floats(key)) {
            max = Math.max(max, Math.abs(v));
          }
        }
        gradFloor = 8 * Math.ulp(1f) * max;
      }
      for (ParameterLayout.Entry e : model.layout().entries()) {
        if (!expected.contains(e.name())) {
          failures.add("gradient " + e.name() + " missing from the reference");
          continue;
        }
        compare(
            e.name(), actual.get(e.name()), expected.floats(e.name()), gradFloor, failures, report);
      }
    }
    System.out.print(report);
    assertTrue(failures.isEmpty(), name + ": " + failures);
  }

  private static void compare(
      String key,
      ForwardDump.Tensor actual,
      float[] expected,
      double floor,
      List<String> failures,
      StringBuilder report) {
    if (actual == null) {
      failures.add(key + " not produced");
      return;
    }
    double r = worstRatio(actual.data(), expected, floor);
    report.append(String.format("  %-90s %.3f%n", key, r));
    if (r > 1) {
      failures.add(key + " off by " + r + "x the tolerance");
    }
  }
}

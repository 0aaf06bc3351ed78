package org.albertspark.model.nn;

import static org.albertspark.model.nn.FixtureSupport.fixture;
import static org.albertspark.model.nn.FixtureSupport.ints;
import static org.albertspark.model.nn.FixtureSupport.read;
import static org.albertspark.model.nn.FixtureSupport.worstRatio;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every fixture: forward tensors, losses and every parameter gradient against HF's, tensor by tensor. */
class AlbertNetworkFixtureTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny", "tiny_min_g1", "groups2_inner2", "hf_test_shape", "tiny_seqcls"})
  void matchesReference(String name) throws IOException {
    Path dir = fixture(name);
    AlbertModel model = ModelDirectory.load(dir);
    AlbertConfig c = model.config();
    Map<String, float[]> actual = new TreeMap<>();
    FlatTensors grads = FlatTensors.zeros(model.layout());
    try (SafeTensorsFile in = SafeTensorsFile.open(dir.resolve("inputs.safetensors"))) {
      int bsz = (int) in.info("input_ids").shape()[0], t = (int) in.info("input_ids").shape()[1];
      boolean cls = model.head() == Head.SEQUENCE_CLASSIFICATION;
      Batch batch = new Batch(bsz, t, ints(in, "input_ids"), ints(in, "token_type_ids"), ints(in, "attention_mask"),
          cls ? null : ints(in, "mlm_labels"), cls ? null : ints(in, "sop_labels"), cls ? ints(in, "labels") : null, null);
      Workspace ws = new Workspace(c, model.head(), bsz, t, true, false);
      Losses losses = AlbertNetwork.forward(model, batch, ws, 0);
      int n = bsz * t;
      actual.put("pooler_output", read(ws.pooledOutput(), (long) bsz * c.hiddenSize()));
      actual.put("loss", new float[] {(float) losses.total()});
      if (cls) {
        actual.put("logits", read(ws.headLogits(), (long) bsz * c.numLabels()));
      } else {
        actual.put("embedding_output", read(ws.embeddingOutput(), (long) n * c.embeddingSize()));
        for (int k = 0; k <= c.numHiddenLayers(); k++) {
          actual.put("hidden_states." + k, read(ws.hiddenState(k), (long) n * c.hiddenSize()));
        }
        actual.put("last_hidden_state", read(ws.lastHiddenState(), (long) n * c.hiddenSize()));
        actual.put("prediction_logits", read(ws.predictionLogits(), (long) n * c.vocabSize()));
        actual.put("sop_logits", read(ws.headLogits(), (long) bsz * 2));
        actual.put("mlm_loss", new float[] {(float) losses.mlmLoss()});
        actual.put("sop_loss", new float[] {(float) losses.sopLoss()});
      }
      AlbertNetwork.backward(model, batch, ws, grads, LossScale.meanOf(losses));
    }
    List<String> failures = new ArrayList<>();
    StringBuilder report = new StringBuilder(name + ": worst error / allowed\n");
    try (SafeTensorsFile expected = SafeTensorsFile.open(dir.resolve("expected.safetensors"))) {
      for (String key : expected.names()) {
        float[] a = actual.get(key);
        if (a == null) {
          failures.add(key + " not produced");
          continue;
        }
        double r = worstRatio(a, expected.floats(key), FixtureSupport.float32NoiseFloor(dir, key));
        report.append(String.format("  %-40s %.3f%n", key, r));
        if (r > 1) {
          failures.add(key + " off by " + r + "x the tolerance");
        }
      }
    }
    double gradFloor = FixtureSupport.float32NoiseFloor(dir, "grads");
    try (SafeTensorsFile expected = SafeTensorsFile.open(dir.resolve("grads.safetensors"))) {
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
          failures.add("grad " + e.name() + " missing from reference");
          continue;
        }
        double r = worstRatio(grads.toArray(e.name()), expected.floats(e.name()), gradFloor);
        report.append(String.format("  grad %-70s %.3f%n", e.name(), r));
        if (r > 1) {
          failures.add("grad " + e.name() + " off by " + r + "x the tolerance");
        }
      }
    }
    System.out.print(report);
    assertTrue(failures.isEmpty(), name + ": " + failures);
  }
}

package org.albertspark.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.optim.GradientClipping;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** One loaded model serves many threads; steps reuse their memory; bad batches fail clearly. */
class SharedModelTest {

  private static final AlbertConfig CONFIG =
      GradientCheckTest.config("gelu_new", 2, "AlbertForPreTraining");

  @Test
  void concurrentForwardsOnOneModelMatchTheSequentialResult() throws Exception {
    AlbertModel model = AlbertModel.initialize(CONFIG, Head.PRETRAINING, 1);
    List<Batch> batches = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Batch b = GradientCheckTest.batch(Head.PRETRAINING, 2, 100 + i);
      batches.add(b);
      Workspace ws = Workspace.forInference(CONFIG, Head.PRETRAINING, b.batchSize(), b.seqLength());
      AlbertNetwork.forward(model, b, ws, 0);
      expected.add(ws.predictionLogits().toArray());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        results.add(
            pool.submit(
                () -> {
                  Batch first = batches.get(0);
                  Workspace ws =
                      Workspace.forInference(
                          CONFIG, Head.PRETRAINING, first.batchSize(), first.seqLength());
                  for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < batches.size(); i++) {
                      AlbertNetwork.forward(model, batches.get(i), ws, 0);
                      assertArrayEquals(expected.get(i), ws.predictionLogits().toArray());
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void residentMemoryStaysFlatOver400TrainingSteps() {
    AlbertModel model = AlbertModel.initialize(CONFIG, Head.PRETRAINING, 1);
    Batch batch = GradientCheckTest.batch(Head.PRETRAINING, 2, 9);
    Workspace ws =
        Workspace.forTraining(CONFIG, Head.PRETRAINING, batch.batchSize(), batch.seqLength());
    FlatTensors grads = FlatTensors.zeros(model.layout());
    Optimizer lamb = Optimizer.create("lamb", model.layout(), OptimizerConfig.albert());
    long afterWarmup = 0;
    int warmup = 600, measured = 400;
    // the first few hundred steps grow the process while the JIT compiles the kernels
    for (int step = 0; step < warmup + measured; step++) {
      if (step == warmup) {
        afterWarmup = residentOutsideHeap();
      }
      grads.zero();
      Losses l = AlbertNetwork.forward(model, batch, ws, step);
      AlbertNetwork.backward(model, batch, ws, grads, LossScale.meanOf(l));
      GradientClipping.clipByGlobalNorm(grads, 1.0);
      lamb.step(model.parameters(), grads, 1e-4);
    }
    long growth = residentOutsideHeap() - afterWarmup;
    // Activations, gradients and moments live off-heap, allocated once: a whole training step
    // (forward, backward, clipping, LAMB) leaves nothing behind. 4 MB over 400 steps would catch a
    // leak of 10 KB per step, a tenth of this model's parameters. (The Java heap is left out: the
    // collector may grow it within -Xmx for small garbage.)
    assertTrue(
        growth < 4L << 20,
        "resident memory outside the Java heap grew by "
            + (growth >> 10)
            + " KB over "
            + measured
            + " steps");
  }

  private static long residentOutsideHeap() {
    System.gc();
    return Pointer.physicalBytes()
        - java.lang.management.ManagementFactory.getMemoryMXBean()
            .getHeapMemoryUsage()
            .getCommitted();
  }

  @Test
  void dropoutIsReproducibleForASeedAndDiffersAcrossSeeds() {
    AlbertModel model = AlbertModel.initialize(CONFIG, Head.PRETRAINING, 1);
    Batch batch = GradientCheckTest.batch(Head.PRETRAINING, 2, 9);
    Workspace ws =
        Workspace.forTraining(CONFIG, Head.PRETRAINING, batch.batchSize(), batch.seqLength());
    double a = AlbertNetwork.forward(model, batch, ws, 5).total();
    double b = AlbertNetwork.forward(model, batch, ws, 5).total();
    double c = AlbertNetwork.forward(model, batch, ws, 6).total();
    assertEquals(a, b);
    assertTrue(a != c, "a different dropout seed must draw different masks");
  }

  @Test
  void badBatchesFailWithTheFieldNamed() {
    AlbertModel model = AlbertModel.initialize(CONFIG, Head.PRETRAINING, 1);
    Workspace ws = Workspace.forInference(CONFIG, Head.PRETRAINING, 1, 4);
    Batch badId = Batch.ofInputs(1, 4, new int[] {2, 50, 3, 0}, null, null);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> AlbertNetwork.forward(model, badId, ws, 0));
    assertTrue(e.getMessage().contains("input_ids[1] = 50"), e.getMessage());
    Batch badType = Batch.ofInputs(1, 4, new int[] {2, 5, 3, 0}, new int[] {0, 0, 2, 0}, null);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> AlbertNetwork.forward(model, badType, ws, 0));
    assertTrue(e.getMessage().contains("token_type_ids[2] = 2"), e.getMessage());
    Workspace longWs = Workspace.forInference(CONFIG, Head.PRETRAINING, 1, 17);
    Batch tooLong = Batch.ofInputs(1, 17, new int[17], null, null);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> AlbertNetwork.forward(model, tooLong, longWs, 0));
    assertTrue(e.getMessage().contains("max_position_embeddings 16"), e.getMessage());
    Batch otherShape = Batch.ofInputs(2, 4, new int[8], null, null);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> AlbertNetwork.forward(model, otherShape, ws, 0));
    assertTrue(e.getMessage().contains("workspace is for batch 1 x 4"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Batch.ofInputs(1, 4, new int[3], null, null));
  }
}

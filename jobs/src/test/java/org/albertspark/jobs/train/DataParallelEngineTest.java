package org.albertspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.train.ParameterUpdate;
import org.albertspark.model.train.TrainMetrics;
import org.albertspark.model.train.TrainStep;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-parallel contract on Spark: 1, 2 and 4 workers, with and without gradient accumulation,
 * give the parameters of the plain single-process TrainStep loop after k steps.
 */
class DataParallelEngineTest {

  static final int B = 8, STEPS = 2;
  static final long SEED = 11;

  @TempDir static Path tmp;
  static Path data;
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void setUp() {
    data = TinyPretrainingData.prep(tmp.resolve("prep"), false);
    spark = SparkSession.builder().master("local[4]").appName("engine test").getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  static ParameterUpdate update(AlbertModel m) {
    return new ParameterUpdate(
        Optimizer.create("lamb", m.layout(), OptimizerConfig.albert()),
        LearningRateSchedule.albert(1e-2, STEPS, 1),
        1.0);
  }

  /** The reference: TrainStep over all micro-batches of each step, then one update, one process. */
  static float[] reference(AlbertConfig c, int micro) throws Exception {
    AlbertModel m = AlbertModel.initialize(c, Head.PRETRAINING, SEED);
    ParameterUpdate u = update(m);
    TrainStep ts = new TrainStep(m);
    try (PretrainingStream s = TinyPretrainingData.stream(data, SEED)) {
      for (int step = 0; step < STEPS; step++) {
        List<Batch> batches = s.next(B, micro);
        TrainMetrics tm = ts.computeGradients(batches, TrainStep.scaleOf(batches), SEED, step, 0);
        assertTrue(u.apply(m.parameters(), ts.gradients(), step, tm.losses().total()).applied());
      }
    }
    return m.parameters().flat().toFloatVector();
  }

  static float[] distributed(AlbertConfig c, int workers, int micro) throws Exception {
    return distributed(c, workers, micro, 1);
  }

  /** With the gradients summed in {@code groups} groups of workers on the executors first. */
  static float[] distributed(AlbertConfig c, int workers, int micro, int groups) throws Exception {
    AlbertModel m = AlbertModel.initialize(c, Head.PRETRAINING, SEED);
    DataParallelEngine engine = new DataParallelEngine(sc, m, update(m), workers, SEED, groups);
    try (PretrainingStream s = TinyPretrainingData.stream(data, SEED)) {
      for (int step = 0; step < STEPS; step++) {
        DataParallelEngine.StepResult r = engine.step(step, s.next(B, micro));
        assertTrue(r.update().applied());
        assertEquals(B, r.metrics().sopCount());
        assertTrue(r.metrics().mlmCount() > 0);
      }
    }
    return m.parameters().flat().toFloatVector();
  }

  static void assertClose(float[] want, float[] got, String what) {
    double max = 0, worst = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i]));
      worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    assertTrue(worst <= 1e-5 * max, what + ": max |diff| " + worst + " vs max |param| " + max);
  }

  @Test
  void workersAndMicroBatchingEqualTheSingleProcessLoop() throws Exception {
    AlbertConfig c = TinyPretrainingData.config(0); // micro-batch size changes dropout draws
    float[] ref = reference(c, B);
    float[] init =
        AlbertModel.initialize(c, Head.PRETRAINING, SEED).parameters().flat().toFloatVector();
    assertFalse(java.util.Arrays.equals(ref, init), "training moved no parameter");
    assertClose(ref, distributed(c, 2, 4), "2 workers");
    assertClose(ref, distributed(c, 4, 2), "4 workers");
    assertClose(ref, distributed(c, 2, 2), "2 workers x 2 accumulated micro-batches");
    assertClose(ref, reference(c, 2), "single process, 4 accumulated micro-batches");
    // the fixed-order tree sum: groups of workers summed on the executors, then on the driver
    assertClose(ref, distributed(c, 4, 2, 2), "4 workers, 2 groups of 2");
    assertClose(ref, distributed(c, 4, 2, 3), "4 workers, groups of 2, 2");
    assertClose(ref, distributed(c, 4, 2, 4), "4 workers, 4 groups of 1");
  }

  @Test
  void theTreeSumStartsAtSixteenWorkersWithRootWGroups() {
    assertEquals(1, DataParallelEngine.defaultGroups(1));
    assertEquals(1, DataParallelEngine.defaultGroups(15));
    assertEquals(4, DataParallelEngine.defaultGroups(16));
    assertEquals(10, DataParallelEngine.defaultGroups(100));
    assertEquals(11, DataParallelEngine.defaultGroups(101));
  }

  @Test
  void withDropoutTheWorkerCountDoesNotMatter() throws Exception {
    AlbertConfig c = TinyPretrainingData.config(0.1);
    float[] ref = reference(c, 2);
    assertClose(ref, distributed(c, 2, 2), "2 workers");
    assertClose(ref, distributed(c, 4, 2), "4 workers");
  }
}

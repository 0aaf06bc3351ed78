package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole fine-tuning path learns (tokenizer, classification batches, the data-parallel engine
 * with 2 workers, AdamW schedule, validation): from random weights, a task whose label is carried
 * by one cue word among random filler words is learned to near-perfect held-out accuracy. Worker
 * equivalence tests cannot show this: a path that never learns is equivalent at any worker count.
 */
class FinetuneLearnsTest {

  @TempDir Path tmp;

  static final String[] FILLER =
      "the house was quiet and she walked to the garden with her sister after dinner in town"
          .split(" ");
  static final String[] POSITIVE = {"happy", "good", "kind", "delightful"};
  static final String[] NEGATIVE = {"sad", "bad", "cruel", "miserable"};

  static Path sentences(Path file, int n, long seed) throws Exception {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("sentence\tlabel\n");
    for (int i = 0; i < n; i++) {
      boolean positive = i % 2 == 1;
      List<String> words = new ArrayList<>();
      for (int k = 0; k < 6; k++) {
        words.add(FILLER[r.nextInt(FILLER.length)]);
      }
      String[] cues = positive ? POSITIVE : NEGATIVE;
      words.add(r.nextInt(words.size() + 1), cues[r.nextInt(cues.length)]);
      sb.append(String.join(" ", words)).append(positive ? "\tpositive\n" : "\tnegative\n");
    }
    return Files.writeString(file, sb);
  }

  @Test
  void fromRandomWeightsTheCueWordIsLearned() throws Exception {
    Path train = sentences(tmp.resolve("train.tsv"), 160, 1);
    Path dev = sentences(tmp.resolve("dev.tsv"), 40, 2);
    Path out = tmp.resolve("model");
    Path tiny = Path.of("..", "examples");
    CliRun ft =
        run(
            "finetune",
            "--init-config",
            tiny.resolve("tiny-albert.json").toString(),
            "--spm-model",
            tiny.resolve("tiny-albert").resolve("spiece.model").toString(),
            "--train",
            train.toString(),
            "--validation",
            dev.toString(),
            "--text-col",
            "sentence",
            "--epochs",
            "4",
            "--lr",
            "3e-3",
            "--batch",
            "16",
            "--micro-batch",
            "8",
            "--workers",
            "2",
            "--max-seq-length",
            "32",
            "--master",
            "local[2]",
            "--output",
            out.toString());
    assertEquals(0, ft.exit(), ft.err());
    JsonNode epochs =
        new ObjectMapper().readTree(out.resolve("finetune_metrics.json").toFile()).get("epochs");
    double first = epochs.get(0).get("validation").get("loss").asDouble();
    double best = 0;
    for (JsonNode e : epochs) {
      best = Math.max(best, e.get("validation").get("accuracy").asDouble());
    }
    assertTrue(best >= 0.95, "held-out accuracy " + best + "\n" + ft.err());
    double last = epochs.get(epochs.size() - 1).get("validation").get("loss").asDouble();
    assertTrue(last < first / 4, "validation loss " + first + " -> " + last);
    // each epoch reports its workers' memory peak; the JVM's peak never falls
    long previous = 0;
    for (JsonNode e : epochs) {
      long offHeap = e.get("worker_peak_offheap_bytes").asLong();
      assertTrue(offHeap >= 0 && offHeap < e.get("worker_peak_rss_bytes").asLong(), e.toString());
      assertTrue(offHeap >= previous, e.toString());
      previous = offHeap;
    }
    assertTrue(ft.err().contains("worker peak off-heap "), ft.err());
  }
}

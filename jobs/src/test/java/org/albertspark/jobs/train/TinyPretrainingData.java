package org.albertspark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.albertspark.jobs.cli.AlbertCli;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;

/**
 * Pretraining test data: the bundled example text prepared with the bundled tiny model's vocabulary
 * (1000 pieces) at 64 tokens, and that model's config.
 */
public final class TinyPretrainingData {

  public static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolveSibling("examples");
  public static final Path SPM = EXAMPLES.resolve("tiny-albert").resolve(ModelDirectory.SPIECE);

  private TinyPretrainingData() {}

  /** Runs {@code albert prep} into {@code out}; returns out. */
  public static Path prep(Path out, boolean dynamicMasking) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "prep",
                "--input",
                EXAMPLES.resolve("text/emma-paragraphs.txt").toString(),
                "--format",
                "lines",
                "--spm-model",
                SPM.toString(),
                "--output",
                out.toString(),
                "--max-seq-length",
                "64",
                "--dupe-factor",
                "1",
                "--instances-per-shard",
                "200",
                "--master",
                "local[2]",
                "--quiet"));
    if (dynamicMasking) {
      args.add("--dynamic-masking");
    }
    CommandLine cli = AlbertCli.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());
    return out;
  }

  /**
   * The tiny example model's config (its vocabulary) made smaller still (2 layers, H 32), with
   * every dropout set to {@code dropout}.
   */
  public static AlbertConfig config(double dropout) throws Exception {
    AlbertConfig c = AlbertConfig.read(EXAMPLES.resolve("tiny-albert.json"));
    return c.with(
        java.util.Map.of(
            "hidden_size", 32,
            "intermediate_size", 64,
            "num_attention_heads", 2,
            "embedding_size", 16,
            "num_hidden_layers", 2,
            "hidden_dropout_prob", dropout,
            "attention_probs_dropout_prob", dropout,
            "classifier_dropout_prob", dropout));
  }

  /** The shard files of a prep output, sorted. */
  public static List<String> shardFiles(Path prepOut) throws Exception {
    try (Stream<Path> s = Files.list(prepOut.resolve("shards"))) {
      return s.filter(p -> p.toString().endsWith(".parquet")).map(Path::toString).sorted().toList();
    }
  }

  public static PretrainingStream stream(Path prepOut, long seed) throws Exception {
    return new PretrainingStream(
        shardFiles(prepOut), new Configuration(), seed, 100, null, 64, 0, 1000);
  }
}

package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on real YARN and HDFS ({@link MiniYarnHdfs}) through the real SparkSubmit
 * (submit-scripts/submit-yarn, client deploy mode, two executors), data on {@code hdfs://}: prep
 * (HDFS in and out) → pretrain with 2 workers on the HDFS shards → finetune on an HDFS table →
 * score with the classifier read from HDFS, written to HDFS. Spark's jars are uploaded to HDFS once
 * and named by spark.yarn.jars, as a cluster's administrator would, so each submit ships only the
 * job jar.
 */
class YarnChainIT {

  static final Path ROOT = ClusterScripts.ROOT;
  static final Path WORK = ROOT.resolve("jobs/target/it-yarn");
  static MiniYarnHdfs cluster;
  static FileSystem fs;
  static String sparkJars;

  @BeforeAll
  static void startCluster() throws Exception {
    ClusterScripts.deleteTree(WORK);
    Files.createDirectories(WORK);
    cluster = new MiniYarnHdfs(WORK.resolve("cluster"), 8192);
    fs = cluster.fileSystem();
    org.apache.hadoop.fs.Path jars = new org.apache.hadoop.fs.Path("/spark-jars");
    fs.mkdirs(jars);
    for (String jar :
        Files.readString(ROOT.resolve("spark-dist/target/spark-classpath.txt"))
            .strip()
            .split(":")) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(jar), jars);
    }
    sparkJars = cluster.hdfsUri() + "/spark-jars/*.jar";
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void chain() throws Exception {
    String hdfs = cluster.hdfsUri();
    upload(ROOT.resolve("examples/text/emma-paragraphs.txt"), "/in/emma.txt");
    upload(ROOT.resolve("examples/tiny-albert/spiece.model"), "/in/spiece.model");
    upload(
        ClusterScripts.head(
            ROOT.resolve("examples/sentiment/train.tsv"), 160, WORK.resolve("train.tsv")),
        "/in/train.tsv");
    upload(
        ClusterScripts.head(
            ROOT.resolve("examples/sentiment/dev.tsv"), 64, WORK.resolve("dev.tsv")),
        "/in/dev.tsv");

    // 1. shards on HDFS from a corpus and vocabulary on HDFS
    submit(
        "prep",
        "--input",
        hdfs + "/in/emma.txt",
        "--format",
        "lines",
        "--spm-model",
        hdfs + "/in/spiece.model",
        "--max-seq-length",
        "64",
        "--output",
        hdfs + "/prep");
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest;
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/prep/manifest.json"))) {
      manifest = json.readTree(in);
    }
    assertTrue(manifest.at("/instances/total").asLong() > 0, manifest.toString());

    // 2. pretraining on the HDFS shards, 2 data-parallel workers = the 2 YARN executors
    Path pretrain = WORK.resolve("pretrain");
    submit(
        ChainStages.pretrain(
            hdfs + "/prep",
            ROOT.resolve("examples/tiny-albert.json"),
            ROOT.resolve("examples/tiny-albert/spiece.model"),
            3,
            pretrain));
    ChainStages.checkPretrained(pretrain, 3);

    // 3. fine-tuning from the pretrained encoder on a table on HDFS
    Path classifier = WORK.resolve("classifier");
    submit(
        ChainStages.finetune(
            pretrain.resolve("final").toString(),
            hdfs + "/in/train.tsv",
            hdfs + "/in/dev.tsv",
            classifier));
    ChainStages.checkClassifier(classifier);

    // 4. scoring with the classifier read from HDFS (each executor copies and hash-checks it)
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(classifier.toString()),
        new org.apache.hadoop.fs.Path("/models/classifier"));
    submit(ChainStages.score(hdfs + "/models/classifier", hdfs + "/in/dev.tsv", hdfs + "/scores"));
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path("/scores/_SUMMARY.json"))) {
      ChainStages.checkScored(json.readTree(in), 64);
    }
    List<String> parts = new ArrayList<>();
    for (FileStatus f : fs.listStatus(new org.apache.hadoop.fs.Path("/scores"))) {
      parts.add(f.getPath().getName());
    }
    assertTrue(parts.stream().anyMatch(n -> n.endsWith(".parquet")), parts.toString());

    // the work ran in YARN containers: two executors per application, each choosing its
    // OpenBLAS kernel itself (YARN passes no OPENBLAS_CORETYPE)
    List<String> executorLogs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(cluster.containerLogs())) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        String log = Files.readString(f);
        // an executor's own log lines name its logger; the AM's name the class in full
        if (log.contains(" YarnCoarseGrainedExecutorBackend: ")) {
          executorLogs.add(log);
        }
      }
    }
    assertEquals(4 * 2, executorLogs.size(), "executors of the 4 applications");
    ChainStages.checkOpenBlasChosenPerExecutor(executorLogs);
  }

  static void upload(Path local, String hdfsPath) throws Exception {
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(local.toString()), new org.apache.hadoop.fs.Path(hdfsPath));
  }

  /** `submit-yarn` with two small executors against the minicluster; fails with its log. */
  static void submit(String... commandAndArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("submit-yarn"));
    args.addAll(List.of("--num-executors", "2", "--executor-memory", "768m", "--offheap", "512m"));
    args.addAll(
        List.of("--conf", "spark.ui.enabled=false", "--conf", "spark.yarn.jars=" + sparkJars));
    args.addAll(List.of(commandAndArgs));
    ClusterScripts.run(
        WORK.resolve(commandAndArgs[0] + ".log"),
        Map.of("HADOOP_CONF_DIR", cluster.clientConf().toString()),
        args.toArray(String[]::new));
  }
}

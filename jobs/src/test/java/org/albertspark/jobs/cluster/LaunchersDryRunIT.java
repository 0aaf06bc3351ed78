package org.albertspark.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The cluster launchers' {@code --dry-run} commands, parsed by Spark's own SparkSubmitArguments
 * (what spark-submit does before it runs anything), and the Kubernetes image layout the command
 * relies on, read from submit-scripts/Dockerfile.
 */
class LaunchersDryRunIT {

  static final Path ROOT = LocalClusterChainIT.ROOT;
  static final List<String> ALBERT_ARGS =
      List.of(
          "prep",
          "--input",
          "hdfs:///corpus",
          "--format",
          "lines",
          "--spm-model",
          "hdfs:///spiece.model",
          "--output",
          "hdfs:///prep");

  @Test
  void kubernetesCommandParsesAndMatchesTheImage() throws Exception {
    List<String> args = new ArrayList<>(List.of("--master", "k8s://https://k8s.example:443"));
    args.addAll(List.of("--conf", "spark.kubernetes.namespace=ml"));
    SparkSubmitArguments parsed = parse("submit-k8s", args, Map.of());
    assertEquals("k8s://https://k8s.example:443", parsed.master());
    assertEquals("cluster", parsed.deployMode());
    assertEquals(
        "albert-spark:latest",
        parsed.sparkProperties().get("spark.kubernetes.container.image").get());
    assertEquals("ml", parsed.sparkProperties().get("spark.kubernetes.namespace").get());
    assertCommon(parsed);

    // Every /opt/albert path the command names is a COPY destination of the Dockerfile, and every
    // COPY source exists in the repository (the jar: after `package`).
    Map<String, String> copies = new HashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve("submit-scripts/Dockerfile"))) {
      if (line.startsWith("COPY ")) {
        String[] parts = line.trim().split("\\s+");
        copies.put(parts[2], parts[1]);
        assertTrue(Files.exists(ROOT.resolve(parts[1])), "COPY source missing: " + parts[1]);
      }
    }
    String jar = parsed.primaryResource();
    assertTrue(jar.startsWith("local://"), jar);
    assertEquals("jobs/target/albert-jobs.jar", copies.get(jar.substring("local://".length())));
    String driverOpts = parsed.sparkProperties().get("spark.driver.extraJavaOptions").get();
    String log4j = driverOpts.replaceAll(".*-Dlog4j2.configurationFile=(\\S+).*", "$1");
    assertEquals("conf/log4j2.properties", copies.get(log4j), driverOpts);
  }

  @Test
  void yarnCommandParses() throws Exception {
    List<String> args = List.of("--deploy-mode", "cluster", "--num-executors", "3");
    // spark-submit itself insists on the cluster's configuration folder for YARN
    SparkSubmitArguments parsed =
        parse("submit-yarn", args, Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"));
    assertEquals("yarn", parsed.master());
    assertEquals("cluster", parsed.deployMode());
    assertEquals("3", parsed.numExecutors());
    assertTrue(parsed.primaryResource().endsWith("jobs/target/albert-jobs.jar"));
    assertCommon(parsed);
  }

  @Test
  void standaloneCommandParses() throws Exception {
    List<String> args = List.of("--master", "spark://m.example:7077", "--task-cpus", "2");
    SparkSubmitArguments parsed = parse("submit-standalone", args, Map.of());
    assertEquals("spark://m.example:7077", parsed.master());
    assertEquals("client", parsed.deployMode());
    assertEquals("2", parsed.sparkProperties().get("spark.task.cpus").get());
    assertTrue(
        parsed
            .sparkProperties()
            .get("spark.executor.extraJavaOptions")
            .get()
            .contains("-Dalbert.threads=2"));
    assertCommon(parsed);
  }

  @Test
  void executorMemoryLimitIsTheContainerLessAMargin() throws Exception {
    Map<String, String> yarn = Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf");
    SparkSubmitArguments small =
        parse("submit-yarn", List.of("--executor-memory", "768m", "--offheap", "512m"), yarn);
    assertEquals("1024m", small.sparkProperties().get("spark.executor.memoryOverhead").get());
    assertEquals("1536m", physicalLimit(small));
    assertEquals(
        "1536m",
        physicalLimit(
            parse("submit-yarn", List.of("--executor-memory=768m", "--offheap", "512m"), yarn)));

    // an overhead the user sets is kept, and the limit follows it
    SparkSubmitArguments set =
        parse(
            "submit-yarn",
            List.of(
                "--conf",
                "spark.executor.memory=3g",
                "--conf",
                "spark.executor.memoryOverhead=2gb"),
            yarn);
    assertEquals("2gb", set.sparkProperties().get("spark.executor.memoryOverhead").get());
    assertEquals("4864m", physicalLimit(set));

    // settings in a properties file count as spark-submit counts them
    Path conf = Files.createTempFile("spark-defaults", ".conf");
    try {
      Files.writeString(
          conf, "# cluster defaults\nspark.executor.memory   4g\nspark.executor.cores 2\n");
      SparkSubmitArguments fromFile =
          parse("submit-yarn", List.of("--properties-file", conf.toString()), yarn);
      assertEquals("4g", fromFile.executorMemory());
      assertEquals("6400m", physicalLimit(fromFile));
    } finally {
      Files.delete(conf);
    }
  }

  /** The executors' enforced memory limit (JavaCPP maxphysicalbytes) in a parsed command. */
  static String physicalLimit(SparkSubmitArguments parsed) {
    String opts = parsed.sparkProperties().get("spark.executor.extraJavaOptions").get();
    return opts.replaceAll(".*-Dorg\\.bytedeco\\.javacpp\\.maxphysicalbytes=(\\S+).*", "$1");
  }

  /** What every launcher passes: main class, the albert arguments, JVM options, plugin, memory. */
  static void assertCommon(SparkSubmitArguments parsed) throws Exception {
    assertEquals("org.albertspark.jobs.cli.AlbertCli", parsed.mainClass());
    assertEquals(ALBERT_ARGS, CollectionConverters.asJava(parsed.childArgs()));
    List<String> jvmOptions = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve("conf/jvm-options"))) {
      String option = line.replaceAll("#.*", "").strip();
      if (!option.isEmpty()) {
        jvmOptions.add(option);
      }
    }
    for (String role : List.of("driver", "executor")) {
      List<String> opts =
          Arrays.asList(
              parsed.sparkProperties().get("spark." + role + ".extraJavaOptions").get().split(" "));
      assertTrue(opts.containsAll(jvmOptions), role + ": " + opts);
    }
    String executorOpts = parsed.sparkProperties().get("spark.executor.extraJavaOptions").get();
    assertTrue(executorOpts.contains("-Dorg.bytedeco.javacpp.cachedir="), executorOpts);
    assertTrue(executorOpts.contains("-Dorg.bytedeco.javacpp.maxbytes=2048m"), executorOpts);
    assertEquals("2560m", parsed.sparkProperties().get("spark.executor.memoryOverhead").get());
    // Spark's default executor memory 1g + overhead 2560m, less the launcher's 256m margin
    assertEquals("3328m", physicalLimit(parsed));
    assertEquals(
        OpenBlasCoreTypePlugin.class.getName(),
        parsed.sparkProperties().get("spark.plugins").get());
  }

  /** Runs LAUNCHER --dry-run ARGS prep ..., splits the printed command as bash would, parses it. */
  static SparkSubmitArguments parse(String launcher, List<String> args, Map<String, String> env)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c"));
    // the launcher prints a bash-quoted command line; let bash split it back into arguments
    cmd.add("eval \"argv=($(\"$@\"))\" && printf '%s\\0' \"${argv[@]}\"");
    cmd.add("dry-run");
    cmd.add(ROOT.resolve("submit-scripts").resolve(launcher).toString());
    cmd.add("--dry-run");
    cmd.addAll(args);
    cmd.addAll(ALBERT_ARGS);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SPARK_HOME");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    List<String> argv = Arrays.asList(out.split("\0"));
    int at = argv.indexOf("org.apache.spark.deploy.SparkSubmit");
    assertTrue(at > 0, "no SparkSubmit in " + argv);
    List<String> submitArgs = argv.subList(at + 1, argv.size());
    return new SparkSubmitArguments(
        CollectionConverters.asScala(submitArgs).toSeq(),
        scala.collection.immutable.Map.from(CollectionConverters.asScala(env)));
  }
}

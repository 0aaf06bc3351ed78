package org.albertspark.prep.corpus;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a corpus from any Hadoop file system into documents with a stable identity, for {@code
 * albert prep} and {@code albert train-vocab}.
 *
 * <pre>{@code
 * CorpusReader reader = new CorpusReader(spark, CorpusOptions.of(CorpusFormat.JSONL));
 * CorpusReader.Input input = reader.resolve(List.of("s3a://bucket/corpus/*.jsonl.gz"));  // fails fast
 * JavaRDD<CorpusDocument> docs = reader.read(input, 64);
 * long unusable = docs.filter(d -> !d.isOk()).count();   // each carries its Problem and detail
 * }</pre>
 *
 * <p>Inputs are files, directories (read recursively, skipping names starting with '_' or '.') and
 * globs; {@code .gz}, {@code .bz2} (and any codec Hadoop knows) are decompressed. Every input
 * document comes out exactly once, either usable ({@link CorpusDocument#isOk()}) or with a {@link
 * Problem}; an unreadable file yields an UNREADABLE_FILE record. Documents are streamed: memory per
 * task is bounded by --max-document-bytes, not by file or corpus size.
 */
public final class CorpusReader implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long MIN_AUTO_SPLIT = 4L << 20;
  private static final long MAX_AUTO_SPLIT = 128L << 20;

  private final transient SparkSession spark;
  private final CorpusOptions options;

  /** The resolved input: every file, sorted, with its size. */
  public record Input(List<FileEntry> files) implements Serializable {
    public long totalBytes() {
      long s = 0;
      for (FileEntry f : files) s += f.length();
      return s;
    }
  }

  public record FileEntry(String path, long length, boolean compressed) implements Serializable {}

  public CorpusReader(SparkSession spark, CorpusOptions options) {
    this.spark = spark;
    this.options = options;
  }

  public CorpusOptions options() {
    return options;
  }

  /**
   * Lists the input files on the driver. Throws {@link IllegalArgumentException} with a clear
   * message, before any work, when a path does not exist, a glob matches nothing, a directory holds
   * no files, or the file system cannot be listed.
   */
  public Input resolve(List<String> inputs) {
    return resolve(inputs, spark.sparkContext().hadoopConfiguration());
  }

  /** {@link #resolve(List)} with an explicit Hadoop configuration (no Spark needed). */
  public static Input resolve(List<String> inputs, Configuration conf) {
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException("no --input given");
    }
    CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
    Map<String, FileEntry> files = new TreeMap<>();
    for (String in : inputs) {
      Path p = new Path(in);
      try {
        FileSystem fs = p.getFileSystem(conf);
        List<FileStatus> matched = new ArrayList<>();
        if (isGlob(in)) {
          FileStatus[] g = fs.globStatus(p);
          if (g == null || g.length == 0) {
            throw new IllegalArgumentException("input glob matches no files: " + in);
          }
          matched.addAll(List.of(g));
        } else {
          try {
            matched.add(fs.getFileStatus(p));
          } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("input path does not exist: " + in);
          }
        }
        int before = files.size();
        for (FileStatus st : matched) {
          if (st.isDirectory()) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
            while (it.hasNext()) {
              LocatedFileStatus f = it.next();
              if (hidden(f.getPath(), st.getPath())) {
                continue;
              }
              add(files, f, codecs);
            }
          } else {
            add(files, st, codecs);
          }
        }
        if (files.size() == before && matched.stream().allMatch(FileStatus::isDirectory)) {
          throw new IllegalArgumentException("input directory holds no files: " + in);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot list input " + in + ": " + e.getMessage(), e);
      }
    }
    return new Input(List.copyOf(files.values()));
  }

  private static boolean isGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
  }

  private static boolean hidden(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static void add(
      Map<String, FileEntry> files, FileStatus st, CompressionCodecFactory codecs) {
    String path = st.getPath().toString();
    files.put(path, new FileEntry(path, st.getLen(), codecs.getCodec(st.getPath()) != null));
  }

  /** The byte-range splits of the input for a target parallelism. */
  public List<InputSplitSpec> splits(Input input, int parallelism) {
    return splits(input, parallelism, options);
  }

  /** {@link #splits(Input, int)} for given options. */
  public static List<InputSplitSpec> splits(Input input, int parallelism, CorpusOptions options) {
    long total = Math.max(1, input.totalBytes());
    long size =
        options.splitBytes() > 0
            ? options.splitBytes()
            : Math.min(
                MAX_AUTO_SPLIT,
                Math.max(MIN_AUTO_SPLIT, (total + parallelism - 1) / Math.max(1, parallelism)));
    List<InputSplitSpec> out = new ArrayList<>();
    for (FileEntry f : input.files()) {
      if (f.compressed() || f.length() <= size) {
        out.add(new InputSplitSpec(f.path(), 0, f.length(), f.length(), f.compressed()));
      } else {
        for (long s = 0; s < f.length(); s += size) {
          out.add(
              new InputSplitSpec(f.path(), s, Math.min(f.length(), s + size), f.length(), false));
        }
      }
    }
    return out;
  }

  /**
   * The documents of the input, one Spark partition per split (parquet: splits of row groups, after
   * a footer check that turns each corrupt or non-Parquet file into an UNREADABLE_FILE record and
   * each file without a string text column into a MISSING_FIELD record; a corrupt data page ends
   * its split with an UNREADABLE_FILE record). {@code parallelism} guides split sizes (0 = Spark's
   * default).
   */
  public JavaRDD<CorpusDocument> read(Input input, int parallelism) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int par = parallelism > 0 ? parallelism : jsc.defaultParallelism();
    if (options.format() == CorpusFormat.PARQUET) {
      return readParquet(input, par);
    }
    List<InputSplitSpec> splits = splits(input, par);
    SerializableConf conf = new SerializableConf(spark.sparkContext().hadoopConfiguration());
    CorpusOptions opts = options;
    return jsc.parallelize(splits, Math.max(1, splits.size()))
        .flatMap(
            split -> {
              SplitReader r = new SplitReader(split, opts, conf.get());
              TaskContext tc = TaskContext.get();
              if (tc != null) {
                tc.addTaskCompletionListener(
                    (org.apache.spark.util.TaskCompletionListener) ctx -> r.close());
              }
              return r;
            });
  }

  /** Reads documents of one split without Spark (tests, tools). */
  public static Iterator<CorpusDocument> readSplit(
      InputSplitSpec split, CorpusOptions options, Configuration conf) {
    return new SplitReader(split, options, conf);
  }

  private JavaRDD<CorpusDocument> readParquet(Input input, int parallelism) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String field = options.textField();
    List<ParquetFooterCheck.Verdict> verdicts = checkParquetFooters(jsc, input, field);
    List<FileEntry> readable = new ArrayList<>();
    List<CorpusDocument> badFiles = new ArrayList<>();
    for (int i = 0; i < verdicts.size(); i++) {
      ParquetFooterCheck.Verdict v = verdicts.get(i); // in the order of input.files()
      if (v.isOk()) {
        readable.add(input.files().get(i));
      } else {
        badFiles.add(CorpusDocument.problem(v.path(), 0, v.problem(), v.detail(), 0));
      }
    }
    if (readable.isEmpty()) {
      // footers readable but none has the column: a wrong --text-field, not bad data
      verdicts.stream()
          .filter(v -> v.problem() == Problem.MISSING_FIELD)
          .findFirst()
          .ifPresent(
              v -> {
                throw new IllegalArgumentException(
                    "parquet input has no string column '"
                        + field
                        + "' ("
                        + v.path()
                        + ": "
                        + v.detail()
                        + "); choose one with --text-field");
              });
    }
    JavaRDD<CorpusDocument> problems = jsc.parallelize(badFiles, 1);
    if (readable.isEmpty()) {
      return problems;
    }
    return problems.union(readParquetRows(new Input(List.copyOf(readable)), parallelism));
  }

  /**
   * Footer checks run as a Spark job: on object stores, thousands of footer reads are slow on one
   * driver.
   */
  private List<ParquetFooterCheck.Verdict> checkParquetFooters(
      JavaSparkContext jsc, Input input, String field) {
    List<String> paths = input.files().stream().map(FileEntry::path).toList();
    SerializableConf conf = new SerializableConf(spark.sparkContext().hadoopConfiguration());
    int slices = Math.max(1, Math.min(paths.size(), jsc.defaultParallelism()));
    return jsc.parallelize(paths, slices)
        .map(p -> ParquetFooterCheck.check(p, field, conf.get()))
        .collect();
  }

  /**
   * The rows of files whose footers passed {@link ParquetFooterCheck}, read with parquet-hadoop's
   * reader in byte-range splits (row groups), so that a corrupt data page costs the rest of its
   * split, counted as UNREADABLE_FILE, and not the job.
   */
  private JavaRDD<CorpusDocument> readParquetRows(Input readable, int parallelism) {
    List<InputSplitSpec> splits = splits(readable, parallelism);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConf conf = new SerializableConf(spark.sparkContext().hadoopConfiguration());
    CorpusOptions opts = options;
    return jsc.parallelize(splits, Math.max(1, splits.size()))
        .flatMap(
            split -> {
              ParquetSplitReader r = new ParquetSplitReader(split, opts, conf.get());
              TaskContext tc = TaskContext.get();
              if (tc != null) {
                tc.addTaskCompletionListener(
                    (org.apache.spark.util.TaskCompletionListener) ctx -> r.close());
              }
              return r;
            });
  }
}

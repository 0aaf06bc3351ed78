package org.albertspark.vocab;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.albertspark.prep.corpus.CorpusDocument;
import org.albertspark.prep.corpus.CorpusFormat;
import org.albertspark.prep.corpus.CorpusOptions;
import org.albertspark.prep.corpus.CorpusReader;
import org.albertspark.provenance.Provenance;
import org.albertspark.tokenizer.ModelProto;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code albert train-vocab}: counts the words of a corpus with Spark and trains a SentencePiece
 * unigram model on the driver from the word table.
 *
 * <p>Pipeline: corpus reader (any Hadoop FS, text/lines/jsonl/tsv/parquet) → sentences → optional
 * sampling (hash of seed and sentence, so independent of partitioning) → ALBERT preprocessing
 * (optional) → nmt_nfkc normalization → ▁-words → reduceByKey → character counts (all words) and
 * word fragments (cut at special symbols) → the {@code --max-words} most frequent fragments to the
 * driver (ties by code point order) → {@link UnigramTrainer} → {@link VocabModelWriter} → the
 * model, its .vocab listing and its {@link Provenance}.
 */
public final class VocabTrainingJob {
  /** Job settings (the CLI fills these). */
  public record Settings(
      List<String> inputs,
      CorpusFormat format,
      String textField,
      String output,
      UnigramTrainerOptions trainer,
      boolean albertPreprocess,
      long maxWords,
      double sampleFraction,
      long seed,
      int partitions,
      boolean overwrite)
      implements Serializable {
    public Settings {
      if (inputs == null || inputs.isEmpty()) {
        throw new IllegalArgumentException("--input is required");
      }
      if (output == null || output.isEmpty()) {
        throw new IllegalArgumentException("--output is required");
      }
      if (maxWords < 1) {
        throw new IllegalArgumentException("--max-words must be positive, got " + maxWords);
      }
      if (maxWords > 50_000_000L) {
        throw new IllegalArgumentException(
            "--max-words " + maxWords + " is above the trainer's limit of 50,000,000");
      }
      if (!(sampleFraction > 0 && sampleFraction <= 1)) {
        throw new IllegalArgumentException(
            "--sample-fraction must be in (0, 1], got " + sampleFraction);
      }
      if (partitions < 0) {
        throw new IllegalArgumentException("--partitions must be >= 0");
      }
    }
  }

  /** What the run did. */
  public record Report(
      long documents,
      long problemDocuments,
      long sentences,
      long wordOccurrences,
      long distinctFragments,
      long keptFragments,
      double keptOccurrenceShare,
      long inputBytes,
      double countSeconds,
      double trainSeconds,
      long driverPeakHeapBytes,
      TrainedVocab.Stats trainerStats,
      String output) {}

  public record Result(ModelProto model, Report report) {}

  private VocabTrainingJob() {}

  /**
   * Suffix of the provenance file written next to the model: {@code FILE.model.provenance.json}.
   */
  public static final String PROVENANCE_SUFFIX = ".provenance.json";

  /** {@link #run(SparkSession, Settings, Provenance.Builder, Consumer)} called through the API. */
  public static Result run(SparkSession spark, Settings s, Consumer<String> progress)
      throws IOException {
    return run(spark, s, Provenance.builder("albert train-vocab"), progress);
  }

  /**
   * Reads, counts, trains and writes the model, a .vocab listing and the run's {@link Provenance}
   * ({@code --output} + {@link #PROVENANCE_SUFFIX}) next to it. {@code provenance} names the tool
   * and command as the caller started them; the run adds its flags ({@link VocabFlags}), every
   * resolved input file with its size (not hashed: corpora are large) and the Spark version.
   */
  public static Result run(
      SparkSession spark, Settings s, Provenance.Builder provenance, Consumer<String> progress)
      throws IOException {
    long t0 = System.nanoTime();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(s.output());
    FileSystem fs = out.getFileSystem(hconf);
    fs.setWriteChecksum(false); // no .crc side files next to the model on local file systems
    if (fs.exists(out) && !s.overwrite()) {
      throw new IllegalArgumentException(
          "output " + out + " exists (pass --overwrite to replace it)");
    }
    CorpusOptions copts = CorpusOptions.of(s.format()).withTextField(s.textField());
    CorpusReader reader = new CorpusReader(spark, copts);
    CorpusReader.Input input = reader.resolve(s.inputs());
    progress.accept(
        String.format(
            "input: %d file(s), %,d bytes, format %s",
            input.files().size(), input.totalBytes(), s.format().name().toLowerCase()));
    JavaRDD<CorpusDocument> docs = reader.read(input, s.partitions());
    docs.persist(StorageLevel.MEMORY_AND_DISK());
    long nDocs = docs.count();
    long nProblems = docs.filter(d -> !d.isOk()).count();
    if (nProblems > 0) {
      progress.accept(
          String.format(
              "skipped %,d of %,d documents with problems (unreadable, too long, bad UTF-8...)",
              nProblems, nDocs));
    }
    JavaRDD<String> sentences =
        docs.filter(CorpusDocument::isOk).flatMap(d -> d.sentences().iterator());
    WordCount wc = countWords(sentences, s, progress);
    docs.unpersist(false);
    double countSecs = (System.nanoTime() - t0) / 1e9;
    progress.accept(
        String.format(
            "counted in %.1fs (%.1f MB/s)",
            countSecs, input.totalBytes() / 1e6 / Math.max(countSecs, 1e-9)));

    long t1 = System.nanoTime();
    TrainedVocab vocab = new UnigramTrainer(s.trainer(), progress).train(wc.table());
    String prefix =
        s.output().endsWith(".model")
            ? s.output().substring(0, s.output().length() - 6)
            : s.output();
    ModelProto model =
        VocabModelWriter.build(
            vocab,
            s.trainer(),
            new VocabModelWriter.RunInfo(s.inputs(), prefix, s.format().name().toLowerCase()));
    double trainSecs = (System.nanoTime() - t1) / 1e9;
    byte[] bytes = model.toBytes();
    SentencePieceModel.fromBytes(
        bytes); // the model must load in the tokenizer before it is written
    write(fs, out, bytes);
    Path vocabFile = new Path(prefix + ".vocab");
    write(fs, vocabFile, vocabListing(model));
    provenance.flags(VocabFlags.of(s)).environment("spark_version", spark.version());
    for (CorpusReader.FileEntry f : input.files()) {
      provenance.input(f.path(), null, f.length());
    }
    Path provenanceFile = new Path(s.output() + PROVENANCE_SUFFIX);
    write(
        fs, provenanceFile, (provenance.build().toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    progress.accept(
        String.format(
            "wrote %s (%,d bytes), %s and %s", out, bytes.length, vocabFile, provenanceFile));
    Report r =
        new Report(
            nDocs,
            nProblems,
            wc.sentences(),
            wc.occurrences(),
            wc.distinct(),
            wc.table().size(),
            wc.keptShare(),
            input.totalBytes(),
            countSecs,
            trainSecs,
            peakHeap(),
            vocab.stats(),
            out.toString());
    return new Result(model, r);
  }

  /** The word table of a counted corpus. */
  public record WordCount(
      WordTable table, long sentences, long occurrences, long distinct, double keptShare) {}

  /**
   * Counts words of sentences distributedly and brings at most {@code maxWords} of them to the
   * driver.
   */
  public static WordCount countWords(
      JavaRDD<String> sentences, Settings s, Consumer<String> progress) {
    TextPipeline pipeline = new TextPipeline(s.albertPreprocess(), s.trainer());
    double fraction = s.sampleFraction();
    long seed = s.seed();
    JavaRDD<String> sampled =
        fraction >= 1.0 ? sentences : sentences.filter(x -> keep(x, seed, fraction));
    JavaPairRDD<String, Long> words =
        sampled
            .flatMapToPair(
                line -> {
                  List<String> ws = new ArrayList<>();
                  pipeline.words(line, ws, false);
                  List<Tuple2<String, Long>> outp = new ArrayList<>(ws.size() + 1);
                  outp.add(new Tuple2<>(SENTENCE_KEY, 1L));
                  for (String w : ws) outp.add(new Tuple2<>(w, 1L));
                  return outp.iterator();
                })
            .reduceByKey(Long::sum);
    words.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      MetaSymbolSplitter splitter = new MetaSymbolSplitter(s.trainer().trainingBoundarySymbols());
      // Character counts over every word (special symbols count as one boundary each).
      Map<Integer, Long> chars =
          new HashMap<>(
              words
                  .filter(t -> !t._1().equals(SENTENCE_KEY))
                  .mapPartitionsToPair(
                      it -> {
                        Map<Integer, Long> m = new HashMap<>();
                        while (it.hasNext()) {
                          Tuple2<String, Long> t = it.next();
                          splitter.countChars(t._1(), t._2(), m);
                        }
                        List<Tuple2<Integer, Long>> l = new ArrayList<>(m.size());
                        m.forEach((k, v) -> l.add(new Tuple2<>(k, v)));
                        return l.iterator();
                      })
                  .reduceByKey(Long::sum)
                  .collectAsMap());
      Long nSentences = words.filter(t -> t._1().equals(SENTENCE_KEY)).values().fold(0L, Long::sum);
      JavaPairRDD<String, Long> frags =
          words
              .filter(t -> !t._1().equals(SENTENCE_KEY))
              .flatMapToPair(
                  t -> {
                    List<String> f = splitter.split(t._1());
                    List<Tuple2<String, Long>> l = new ArrayList<>(f.size());
                    for (String x : f) l.add(new Tuple2<>(x, t._2()));
                    return l.iterator();
                  })
              .reduceByKey(Long::sum);
      frags.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long distinct = frags.count();
        long occurrences = frags.values().fold(0L, Long::sum);
        progress.accept(
            String.format(
                "%,d sentences, %,d word occurrences, %,d distinct word fragments",
                nSentences, occurrences, distinct));
        if (distinct == 0) {
          throw new IllegalArgumentException(
              "the input has no text to train on (every document was empty or skipped)");
        }
        List<Tuple2<String, Long>> kept;
        double share = 1.0;
        if (distinct > s.maxWords()) {
          kept = frags.takeOrdered((int) s.maxWords(), new ByCountThenWord());
          long keptOcc = 0;
          for (Tuple2<String, Long> t : kept) keptOcc += t._2();
          share = (double) keptOcc / occurrences;
          progress.accept(
              String.format(
                  "WARNING: word table capped at --max-words %,d: kept the %,d most frequent of %,d distinct word "
                      + "fragments (%.3f%% of word occurrences; the rest, seen at most %,d times each, are not trained on). "
                      + "Raise --max-words to keep more (driver memory grows by roughly 1 KB per word).",
                  s.maxWords(),
                  kept.size(),
                  distinct,
                  100 * share,
                  kept.get(kept.size() - 1)._2()));
        } else {
          kept = frags.collect();
        }
        Map<String, Long> table = new HashMap<>(kept.size() * 2);
        for (Tuple2<String, Long> t : kept) table.put(t._1(), t._2());
        return new WordCount(
            WordTable.of(table, chars, s.trainer()), nSentences, occurrences, distinct, share);
      } finally {
        frags.unpersist(false);
      }
    } finally {
      words.unpersist(false);
    }
  }

  /** Never a word: words have no tab (the boundary is cut out) and no NUL. */
  private static final String SENTENCE_KEY = "\0sentences";

  /** Count descending, then word by code point: the canonical, partition-independent order. */
  static final class ByCountThenWord implements Comparator<Tuple2<String, Long>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple2<String, Long> a, Tuple2<String, Long> b) {
      int c = Long.compare(b._2(), a._2());
      return c != 0 ? c : Pieces.compareCodePoints(a._1(), b._1());
    }
  }

  /**
   * Deterministic sampling: keeps a sentence iff a hash of (seed, sentence) falls below the
   * fraction.
   */
  static boolean keep(String sentence, long seed, double fraction) {
    long h = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    for (int i = 0; i < sentence.length(); i++) {
      h ^= sentence.charAt(i);
      h *= 0x100000001B3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53 < fraction;
  }

  /** spm_train's .vocab listing: piece TAB score per line. */
  static byte[] vocabListing(ModelProto m) {
    StringBuilder sb = new StringBuilder();
    for (ModelProto.Piece p : m.pieces()) {
      float sc = p.score();
      sb.append(p.piece())
          .append('\t')
          .append(sc == (long) sc ? Long.toString((long) sc) : Float.toString(sc))
          .append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    Path parent = p.getParent();
    if (parent != null && !fs.exists(parent)) {
      fs.mkdirs(parent);
    }
    try (OutputStream o = fs.create(p, true)) {
      o.write(bytes);
    }
  }

  /** Sum of the peak usage of the heap memory pools of this JVM (the driver). */
  public static long peakHeap() {
    long s = 0;
    for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
      if (b.getType() == MemoryType.HEAP && b.getPeakUsage() != null) {
        s += b.getPeakUsage().getUsed();
      }
    }
    return s;
  }
}

package org.albertspark.jobs.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.albertspark.model.nn.Batch;
import org.albertspark.prep.PretrainingShards;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.prep.mask.MaskedInstance;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * The driver's view of prep shards as an endless, seeded stream of global batches: epoch after
 * epoch, each epoch visiting every instance once in an order drawn from (seed, epoch): the shard
 * files in a shuffled order, streamed through a shuffle buffer (TF's {@code Dataset.shuffle}, as
 * ALBERT's input pipeline does). Memory: the buffer, never the corpus. Batches cross epoch
 * boundaries, so every global batch is full. With {@code --dynamic-masking} shards each instance is
 * masked for its epoch by {@link DynamicMasker}.
 *
 * <p>The batch composition depends only on the data, the seed, the global batch size and the
 * micro-batch size, never on the number of workers. The position (epoch, instances consumed in it)
 * is part of the training state; {@link #seek} replays the stream up to it.
 *
 * <p>Every row read is checked (lengths, id ranges, labels); a bad row is an error naming the file
 * and the row.
 */
public final class PretrainingStream implements AutoCloseable {

  private final List<String> files;
  private final Configuration conf;
  private final long seed;
  private final int bufferSize;
  private final DynamicMasker masker;
  private final int seqLength;
  private final int padId;
  private final int vocabSize;

  private long epoch;
  private long position;
  private SplittableRandom rng;
  private List<String> order;
  private int nextFile;
  private ParquetReader<Group> reader;
  private String currentFile;
  private long currentRow;
  private final List<Row> buffer = new ArrayList<>();

  /** One instance, unpadded, with its MLM targets. */
  private record Row(int[] inputIds, int[] segmentIds, int[] positions, int[] labels, int sop) {}

  /**
   * @param files the shard files (sorted by name; the stream shuffles them per epoch)
   * @param masker null for statically masked shards
   * @param seqLength padded length of every batch row (prep's max_seq_length)
   */
  public PretrainingStream(
      List<String> files,
      Configuration conf,
      long seed,
      int bufferSize,
      DynamicMasker masker,
      int seqLength,
      int padId,
      int vocabSize) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no shard files");
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("shuffle buffer must be >= 1, got " + bufferSize);
    }
    this.files = List.copyOf(files);
    this.conf = conf;
    this.seed = seed;
    this.bufferSize = bufferSize;
    this.masker = masker;
    this.seqLength = seqLength;
    this.padId = padId;
    this.vocabSize = vocabSize;
    startEpoch(0);
  }

  public long epoch() {
    return epoch;
  }

  /** Instances of the current epoch already returned. */
  public long positionInEpoch() {
    return position;
  }

  /** Moves to instance {@code positionInEpoch} of {@code epoch}, replaying the stream there. */
  public void seek(long epoch, long positionInEpoch) throws IOException {
    startEpoch(epoch);
    for (long i = 0; i < positionInEpoch; i++) {
      if (nextRow() == null) {
        throw new IOException(
            "the data has fewer than "
                + positionInEpoch
                + " instances per epoch: not the data this run was started on");
      }
    }
  }

  /**
   * The next {@code globalBatch} instances as micro-batches of {@code microBatch} rows, in stream
   * order.
   */
  public List<Batch> next(int globalBatch, int microBatch) throws IOException {
    List<Batch> out = new ArrayList<>(globalBatch / microBatch);
    for (int m = 0; m < globalBatch / microBatch; m++) {
      int n = microBatch * seqLength;
      int[] ids = new int[n], types = new int[n], att = new int[n], mlm = new int[n];
      int[] sop = new int[microBatch];
      Arrays.fill(ids, padId);
      Arrays.fill(mlm, PretrainingShards.IGNORE);
      for (int b = 0; b < microBatch; b++) {
        Row r = nextRow();
        if (r == null) { // end of epoch: the batch continues with the next one
          startEpoch(epoch + 1);
          r = nextRow();
          if (r == null) {
            throw new IOException("the shards hold no instances");
          }
        }
        int base = b * seqLength;
        System.arraycopy(r.inputIds, 0, ids, base, r.inputIds.length);
        System.arraycopy(r.segmentIds, 0, types, base, r.segmentIds.length);
        Arrays.fill(att, base, base + r.inputIds.length, 1);
        for (int k = 0; k < r.positions.length; k++) {
          mlm[base + r.positions[k]] = r.labels[k];
        }
        sop[b] = r.sop;
      }
      out.add(new Batch(microBatch, seqLength, ids, types, att, mlm, sop, null, null));
    }
    return out;
  }

  private void startEpoch(long e) throws IllegalStateException {
    closeReader();
    epoch = e;
    position = 0;
    rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e * 0xC2B2AE3D27D4EB4FL + 0x5348);
    List<String> o = new ArrayList<>(files);
    for (int i = o.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      String t = o.get(i);
      o.set(i, o.get(j));
      o.set(j, t);
    }
    order = o;
    nextFile = 0;
    buffer.clear();
  }

  /** The next instance of this epoch, or null at its end. */
  private Row nextRow() throws IOException {
    while (buffer.size() < bufferSize) {
      Row r = readRow();
      if (r == null) {
        break;
      }
      buffer.add(r);
    }
    if (buffer.isEmpty()) {
      return null;
    }
    int i = rng.nextInt(buffer.size());
    Row out = buffer.get(i);
    Row last = buffer.remove(buffer.size() - 1);
    if (i < buffer.size()) {
      buffer.set(i, last);
    }
    position++;
    return out;
  }

  /** The next row of the file sequence, in file order, or null after the last file. */
  private Row readRow() throws IOException {
    while (true) {
      if (reader == null) {
        if (nextFile == order.size()) {
          return null;
        }
        currentFile = order.get(nextFile++);
        currentRow = 0;
        reader =
            ParquetReader.builder(new GroupReadSupport(), new Path(currentFile))
                .withConf(conf)
                .build();
      }
      Group g;
      try {
        g = reader.read();
      } catch (IOException | RuntimeException e) {
        throw new IOException(currentFile + ": unreadable at row " + currentRow + ": " + e, e);
      }
      if (g == null) {
        closeReader();
        continue;
      }
      Row r = decode(g);
      currentRow++;
      return r;
    }
  }

  private Row decode(Group g) throws IOException {
    try {
      int[] ids = ints(g, "input_ids");
      int[] seg = ints(g, "segment_ids");
      int[] pos = ints(g, "masked_positions");
      int[] lab = ints(g, "masked_ids");
      int sop = g.getInteger("sentence_order_label", 0);
      long key = g.getLong("instance_key", 0);
      if (ids.length == 0 || ids.length > seqLength) {
        throw bad("input_ids has " + ids.length + " tokens, expected 1.." + seqLength);
      }
      if (seg.length != ids.length) {
        throw bad("segment_ids has " + seg.length + " values, input_ids " + ids.length);
      }
      if (sop != 0 && sop != 1) {
        throw bad("sentence_order_label is " + sop + ", expected 0 or 1");
      }
      if (masker != null) {
        if (pos.length != 0) {
          throw bad("already masked, but the manifest says --dynamic-masking");
        }
        MaskedInstance mi = masker.mask(ids, key, Math.toIntExact(epoch));
        ids = mi.inputIds();
        pos = mi.positions();
        lab = mi.labels();
      }
      if (pos.length != lab.length) {
        throw bad("masked_positions has " + pos.length + " values, masked_ids " + lab.length);
      }
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] < 0 || ids[i] >= vocabSize) {
          throw bad("input_ids[" + i + "] = " + ids[i] + " outside the vocabulary of " + vocabSize);
        }
        if (seg[i] != 0 && seg[i] != 1) {
          throw bad("segment_ids[" + i + "] = " + seg[i] + ", expected 0 or 1");
        }
      }
      for (int k = 0; k < pos.length; k++) {
        if (pos[k] < 0 || pos[k] >= ids.length) {
          throw bad("masked_positions[" + k + "] = " + pos[k] + " outside the instance");
        }
        if (lab[k] < 0 || lab[k] >= vocabSize) {
          throw bad("masked_ids[" + k + "] = " + lab[k] + " outside the vocabulary");
        }
      }
      return new Row(ids, seg, pos, lab, sop);
    } catch (RuntimeException e) {
      throw bad("not a prep shard row (" + e.getMessage() + ")");
    }
  }

  private IOException bad(String what) {
    return new IOException(currentFile + ", row " + currentRow + ": " + what);
  }

  /** A list column as Spark writes it: group (LIST) { repeated group list { int32 element } }. */
  private static int[] ints(Group g, String field) {
    Group list = g.getGroup(field, 0);
    int n = list.getFieldRepetitionCount(0);
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = list.getGroup(0, i).getInteger(0, 0);
    }
    return a;
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only file: nothing to lose
      }
      reader = null;
    }
  }

  @Override
  public void close() {
    closeReader();
  }
}

package org.albertspark.jobs.finetune;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.score.DocumentWindows;
import org.albertspark.prep.util.Broadcasts;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.EncodedInput;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Tokenizes labelled rows on the executors and brings the ids to the driver, in the rows' order:
 * the driver composes every training step's batches from them (see {@link FineTuning}). A row gives
 * the first {@code windows} of the windows scoring takes ({@link DocumentWindows}: {@code
 * maxLength} tokens overlapping by {@code stride}; 0 = all), each an example with the row's label.
 * The first window is ALBERT's preprocessing as HF's tokenizer does it, longest-first truncation to
 * {@code maxLength}; so one window per row is plain truncation.
 */
public final class ExampleEncoder {

  private ExampleEncoder() {}

  /**
   * The examples, and how many rows were longer than one window and how many of those had windows
   * left unused ({@code windows} reached).
   */
  public record Encoded(List<EncodedExample> examples, long rows, long multiWindow, long cut)
      implements Serializable {}

  /** Encoded rows of {@code data}; labels mapped to their ids in {@code labels}. */
  public static Encoded encode(
      JavaSparkContext sc,
      byte[] spieceModel,
      LabelledData data,
      LabelSet labels,
      int maxLength,
      int stride,
      int windows) {
    if (windows < 0) {
      throw new IllegalArgumentException("--train-windows must be >= 0, got " + windows);
    }
    Broadcast<byte[]> spm = sc.broadcast(spieceModel);
    Map<String, Integer> ids = labels.ids();
    try {
      List<Encoded> parts =
          data.rows()
              .toJavaRDD()
              .mapPartitions(
                  (Iterator<Row> rows) -> {
                    AlbertTokenizer tok =
                        new AlbertTokenizer(SentencePieceModel.fromBytes(spm.value()));
                    List<EncodedExample> out = new ArrayList<>();
                    long rowCount = 0, multiWindow = 0, cut = 0;
                    while (rows.hasNext()) {
                      Row r = rows.next();
                      Integer label = ids.get(r.getString(2));
                      if (label == null) {
                        throw new IllegalArgumentException("unknown label " + r.getString(2));
                      }
                      rowCount++;
                      DocumentWindows w =
                          DocumentWindows.of(
                              tok, r.getString(0), r.getString(1), maxLength, stride);
                      int n = 0;
                      while (w.hasNext() && (windows == 0 || n < windows)) {
                        int[] window = w.next();
                        int[] types = w.tokenTypes(window);
                        out.add(
                            new EncodedExample(
                                window, types == null ? new int[window.length] : types, label));
                        n++;
                      }
                      if (n == 0) { // no tokens: [CLS] [SEP] (pair [SEP]), as HF encodes it
                        EncodedInput e =
                            tok.encode(r.getString(0), r.getString(1), maxLength, false);
                        out.add(new EncodedExample(e.inputIds(), e.tokenTypeIds(), label));
                      }
                      multiWindow += n > 1 || w.hasNext() ? 1 : 0;
                      cut += w.hasNext() ? 1 : 0;
                    }
                    return List.of(new Encoded(out, rowCount, multiWindow, cut)).iterator();
                  })
              .collect();
      List<EncodedExample> examples = new ArrayList<>();
      long rows = 0, multiWindow = 0, cut = 0;
      for (Encoded part : parts) { // in partition order: the rows' order
        examples.addAll(part.examples());
        rows += part.rows();
        multiWindow += part.multiWindow();
        cut += part.cut();
      }
      return new Encoded(examples, rows, multiWindow, cut);
    } finally {
      Broadcasts.destroy(spm);
    }
  }
}

package org.albertspark.jobs.finetune;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.albertspark.jobs.classify.LabelSet;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.prep.util.Broadcasts;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.EncodedInput;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Tokenizes labelled rows on the executors (ALBERT preprocessing, longest-first truncation to the
 * maximum sequence length, as HF's tokenizer) and brings the ids to the driver, in the rows' order:
 * the driver composes every training step's batches from them (see {@link FineTuning}).
 */
public final class ExampleEncoder {

  private ExampleEncoder() {}

  /** Encoded rows of {@code data}; labels mapped to their ids in {@code labels}. */
  public static List<EncodedExample> encode(
      JavaSparkContext sc, byte[] spieceModel, LabelledData data, LabelSet labels, int maxLength) {
    Broadcast<byte[]> spm = sc.broadcast(spieceModel);
    Map<String, Integer> ids = labels.ids();
    try {
      return data.rows()
          .toJavaRDD()
          .mapPartitions(
              (Iterator<Row> rows) -> {
                AlbertTokenizer tok =
                    new AlbertTokenizer(SentencePieceModel.fromBytes(spm.value()));
                List<EncodedExample> out = new ArrayList<>();
                while (rows.hasNext()) {
                  Row r = rows.next();
                  Integer label = ids.get(r.getString(2));
                  if (label == null) {
                    throw new IllegalArgumentException("unknown label " + r.getString(2));
                  }
                  EncodedInput e = tok.encode(r.getString(0), r.getString(1), maxLength, false);
                  out.add(new EncodedExample(e.inputIds(), e.tokenTypeIds(), label));
                }
                return out.iterator();
              })
          .collect();
    } finally {
      Broadcasts.destroy(spm);
    }
  }
}

package org.albertspark.prep;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The on-disk contract between {@code albert prep} (the writer) and {@link PretrainingShards} (the
 * reader): the layout of an output directory, its format version and the shard schema with a doc
 * string on every column.
 *
 * <pre>
 * OUTPUT/manifest.json     {@link PrepManifest}, "format": {@value #FORMAT}
 * OUTPUT/shards/part-*.parquet   one row per instance, unpadded, columns below
 * </pre>
 */
public final class ShardFormat {
  private ShardFormat() {}

  /** Format version in the manifest; the reader refuses any other. */
  public static final String FORMAT = "albert-prep/1";

  /** Directory of the Parquet shards inside the output directory. */
  public static final String SHARDS_DIR = "shards";

  /** File name of the manifest inside the output directory. */
  public static final String MANIFEST = "manifest.json";

  /** The shard schema (one row per instance, unpadded). */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            column(
                "input_ids",
                ints(),
                "token ids [CLS] A [SEP] B [SEP], unpadded; masked unless the run used --dynamic-masking"),
            column(
                "segment_ids",
                ints(),
                "token type ids: 0 for [CLS], A and the first [SEP]; 1 for B and the last [SEP]"),
            column(
                "length",
                DataTypes.IntegerType,
                "number of tokens (= size of input_ids), <= max_seq_length"),
            column(
                "masked_positions",
                ints(),
                "masked positions, ascending (empty with --dynamic-masking)"),
            column(
                "masked_ids",
                ints(),
                "original ids at masked_positions: the MLM labels (empty with --dynamic-masking)"),
            column(
                "sentence_order_label",
                DataTypes.IntegerType,
                "0 = B follows A in the document; 1 = swapped (SOP) or B from another document (--random-next-sentence)"),
            column(
                "instance_key",
                DataTypes.LongType,
                "64-bit hash of (document id, pass, index): seeds DynamicMasker for this instance"),
            column(
                "doc_id",
                DataTypes.StringType,
                "source document: fully qualified path@byte offset (row index for parquet)"),
            column("pass", DataTypes.IntegerType, "dupe-factor pass, 0-based"),
          });

  /** Column name to "type: doc", in schema order (the manifest's "schema" section). */
  public static Map<String, String> columnDocs() {
    Map<String, String> docs = new LinkedHashMap<>();
    for (StructField f : SCHEMA.fields()) {
      docs.put(f.name(), f.dataType().simpleString() + ": " + f.getComment().getOrElse(() -> ""));
    }
    return docs;
  }

  private static DataType ints() {
    return DataTypes.createArrayType(DataTypes.IntegerType, false);
  }

  private static StructField column(String name, DataType type, String doc) {
    return new StructField(name, type, false, Metadata.empty()).withComment(doc);
  }
}

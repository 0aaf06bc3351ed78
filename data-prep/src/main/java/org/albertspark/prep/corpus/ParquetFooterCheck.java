package org.albertspark.prep.corpus;

import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Opens one Parquet input's footer and tells whether its text column can be read.
 *
 * <p>Why, before any row is read: a file whose footer is corrupt, truncated or missing (not
 * Parquet) becomes one {@link Problem} record for the whole file, and when no file has the text
 * column the driver can fail fast with a clear error about --text-field instead of counting every
 * file as bad. Corruption inside data pages of a file whose footer is valid is handled later, by
 * {@link ParquetSplitReader}.
 */
final class ParquetFooterCheck {
  private ParquetFooterCheck() {}

  /**
   * The outcome for one file.
   *
   * @param path the file
   * @param problem null if the file is readable and has a usable text column
   * @param detail why not (for the manifest), or null
   */
  record Verdict(String path, Problem problem, String detail) implements Serializable {
    boolean isOk() {
      return problem == null;
    }
  }

  static Verdict check(String path, String textField, Configuration conf) {
    MessageType schema;
    try (ParquetFileReader r =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), conf))) {
      schema = r.getFooter().getFileMetaData().getSchema();
    } catch (
        Exception e) { // IOException or parquet's RuntimeExceptions (bad magic, corrupt metadata)
      return new Verdict(
          path,
          Problem.UNREADABLE_FILE,
          "not a readable parquet file: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    String columns = String.join(", ", schema.getFields().stream().map(Type::getName).toList());
    if (!schema.containsField(textField)) {
      return new Verdict(
          path, Problem.MISSING_FIELD, "no column '" + textField + "'; columns: " + columns);
    }
    Type t = schema.getType(textField);
    if (!isString(t)) {
      return new Verdict(
          path, Problem.MISSING_FIELD, "column '" + textField + "' is " + t + ", not a string");
    }
    return new Verdict(path, null, null);
  }

  /** The parquet types Spark reads as a plain StringType column (text, enum, json). */
  private static boolean isString(Type t) {
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      return false;
    }
    if (t.asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY) {
      return false;
    }
    LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
    return a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
        || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
        || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
  }
}

package org.albertspark.prep.corpus;

/** Input formats of {@link CorpusReader}. */
public enum CorpusFormat {
  /** BERT convention: one sentence per line, a blank line between documents. */
  TEXT,
  /** One document per line; sentences found by a sentence splitter. */
  LINES,
  /** One JSON object per line; the document text is a string field (default "text"). */
  JSONL,
  /**
   * Tab-separated values with a header row; the document text is a named column (default "text").
   */
  TSV,
  /** Parquet files; the document text is a string column (default "text"). */
  PARQUET
}

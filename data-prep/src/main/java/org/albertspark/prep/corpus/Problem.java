package org.albertspark.prep.corpus;

import java.util.Locale;

/**
 * Why a document (or an unreadable file) could not be used; each is counted, never dropped
 * silently. The one list of skip reasons: the corpus reader finds the first seven, prep's
 * tokenization the last two; manifests count them under {@link #key()}.
 */
public enum Problem {
  /** No text (blank line in lines/jsonl/tsv, null or blank value). */
  EMPTY,
  /** Bytes that are not valid UTF-8 (with the default --on-invalid-utf8=skip). */
  INVALID_UTF8,
  /** NUL bytes: a binary file (counted once per file) or binary content in a document. */
  BINARY,
  /** A line longer than --max-line-bytes (or a parquet value longer than --max-document-bytes). */
  TOO_LONG,
  /**
   * The file (or the rest of it) could not be read: I/O error, permissions, corrupt compression.
   */
  UNREADABLE_FILE,
  /** A jsonl line that is not a JSON object. */
  INVALID_JSON,
  /** The text field/column is missing or not a string. */
  MISSING_FIELD,
  /** Prep: the text tokenizes to nothing. */
  NO_TOKENS,
  /** Prep: one sentence only; a sentence-order pair needs two. */
  ONE_SENTENCE;

  /** The name used in manifests: lower case. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}

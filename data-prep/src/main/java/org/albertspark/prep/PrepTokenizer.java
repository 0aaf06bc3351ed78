package org.albertspark.prep;

import java.io.Serializable;
import org.albertspark.prep.mask.VocabInfo;

/** What prep needs from a tokenizer: sentence to ids, and the vocabulary tables for masking. */
public interface PrepTokenizer {
  int[] encode(String sentence);

  VocabInfo vocab();

  /** Ships to executors and yields the (JVM-cached) tokenizer there. */
  interface Source extends Serializable {
    PrepTokenizer get();

    /** sha256 of the vocabulary (the .model bytes). */
    String checksum();
  }
}

package org.albertspark.tokenizer;

/**
 * Model inputs for one example: ids, token types (0 = first segment, 1 = second) and attention
 * mask.
 */
public record EncodedInput(int[] inputIds, int[] tokenTypeIds, int[] attentionMask) {
  /** Number of positions (including padding). */
  public int length() {
    return inputIds.length;
  }
}

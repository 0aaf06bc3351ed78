package org.albertspark.prep.instance;

/**
 * One unmasked training instance: {@code [CLS] A [SEP] B [SEP]}.
 *
 * @param ids token ids, unpadded
 * @param segmentALength number of leading positions with token type 0 ([CLS], A, first [SEP])
 * @param sentenceOrderLabel 0 = B follows A in the document; 1 = swapped (SOP) or random (NSP)
 * @param index position of this instance among those of its (document, dupe) pass
 */
public record Instance(int[] ids, int segmentALength, int sentenceOrderLabel, int index) {

  public int[] tokenTypeIds() {
    int[] t = new int[ids.length];
    for (int i = segmentALength; i < ids.length; i++) {
      t[i] = 1;
    }
    return t;
  }
}

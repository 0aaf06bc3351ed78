package org.albertspark.jobs.finetune;

import java.io.Serializable;

/**
 * One labelled example as the model takes it: {@code [CLS] text [SEP] (pair [SEP])} token ids,
 * their segment ids, and the label's id ({@link org.albertspark.model.kernels.CrossEntropy#IGNORE}
 * for a padding row that must not count).
 */
public record EncodedExample(int[] inputIds, int[] tokenTypeIds, int label)
    implements Serializable {

  public int length() {
    return inputIds.length;
  }
}

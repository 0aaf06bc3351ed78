package org.albertspark.prep;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One instance on its way to a shard, compact for the shuffle (segment ids are rebuilt from the
 * length of segment A); {@link #toRow()} gives the row in {@link ShardFormat#SCHEMA} order.
 */
record ShardRow(
    int[] ids,
    int segmentALength,
    int[] maskedPositions,
    int[] maskedIds,
    int sentenceOrderLabel,
    long instanceKey,
    String docId,
    int pass)
    implements Serializable {

  Row toRow() {
    int[] segments = new int[ids.length];
    for (int i = segmentALength; i < ids.length; i++) {
      segments[i] = 1;
    }
    return RowFactory.create(
        box(ids),
        box(segments),
        ids.length,
        box(maskedPositions),
        box(maskedIds),
        sentenceOrderLabel,
        instanceKey,
        docId,
        pass);
  }

  private static Integer[] box(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }
}

package org.albertspark.model.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.io.SafeTensorsWriter;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.Test;

/** Reading a batch from an inputs file: integer or whole-number float tensors, nothing dropped. */
class ForwardDumpTest {

  @Test
  void floatMaskIsReadNotIgnored() throws IOException {
    byte[] file =
        new SafeTensorsWriter()
            .addLongs("input_ids", new long[] {1, 4}, new long[] {2, 7, 3, 0})
            .addFloats("attention_mask", new long[] {1, 4}, new float[] {1, 1, 1, 0})
            .toBytes();
    Batch b = ForwardDump.readBatch(SafeTensorsFile.fromBytes(file), Head.PRETRAINING, 2);
    assertArrayEquals(new int[] {1, 1, 1, 0}, b.attentionMask());
    assertArrayEquals(new int[] {0, 0, 0, 0}, b.tokenTypeIds());
  }

  @Test
  void fractionalValuesAreAnError() throws IOException {
    byte[] file =
        new SafeTensorsWriter()
            .addLongs("input_ids", new long[] {1, 2}, new long[] {2, 3})
            .addFloats("attention_mask", new long[] {1, 2}, new float[] {1, 0.5f})
            .toBytes();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ForwardDump.readBatch(SafeTensorsFile.fromBytes(file), Head.PRETRAINING, 2));
    assertTrue(
        e.getMessage().contains("attention_mask[1] = 0.5 is not a whole number"), e.getMessage());
  }

  @Test
  void floatLabelsOfAOneLabelClassifierAreRegressionTargets() throws IOException {
    byte[] file =
        new SafeTensorsWriter()
            .addLongs("input_ids", new long[] {2, 2}, new long[] {2, 3, 2, 3})
            .addFloats("labels", new long[] {2}, new float[] {0.25f, -1f})
            .toBytes();
    Batch b =
        ForwardDump.readBatch(SafeTensorsFile.fromBytes(file), Head.SEQUENCE_CLASSIFICATION, 1);
    assertArrayEquals(new float[] {0.25f, -1f}, b.targets());
  }
}

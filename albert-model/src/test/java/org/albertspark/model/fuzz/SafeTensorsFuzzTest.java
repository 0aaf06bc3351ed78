package org.albertspark.model.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.io.SafeTensorsFormatException;
import org.albertspark.model.io.TensorInfo;
import org.albertspark.testing.FuzzBudget;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes as a safetensors file: a {@link SafeTensorsFormatException} with a message, or a file
 * whose every floating-point tensor reads, the same twice, within a budget proportional to its
 * size.
 */
class SafeTensorsFuzzTest {

  @FuzzTest(maxDuration = "5m")
  @Timeout(10)
  void safetensorsFile(byte[] data) throws IOException {
    String first = outcome(data);
    FuzzBudget budget = new FuzzBudget(); // the second run: classes loaded, caches warm
    assertEquals(first, outcome(data));
    budget.check(data.length, 64, 4 << 20, 2000);
  }

  private static String outcome(byte[] data) throws IOException {
    try {
      return readAll(data);
    } catch (SafeTensorsFormatException e) {
      assertNotNull(e.getMessage());
      return e.getMessage();
    }
  }

  /** Every tensor's name, dtype, shape and (for floating point) values, as one string. */
  private static String readAll(byte[] data) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(data, "fuzz")) {
      sb.append(f.metadata()).append('\n');
      for (String name : f.names()) {
        TensorInfo t = f.info(name);
        sb.append(name).append(' ').append(t.dtype()).append(java.util.Arrays.toString(t.shape()));
        if (t.dtype().isFloatingPoint()) {
          float[] v = f.floats(name);
          float[] again = f.floats(name);
          assertArrayEquals(v, again);
          sb.append(java.util.Arrays.hashCode(v));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}

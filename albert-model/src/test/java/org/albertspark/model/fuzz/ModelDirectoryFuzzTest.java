package org.albertspark.model.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.testing.FuzzBudget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * A model directory from a hub nobody vetted: the input is {@code uint32 LE n}, n bytes of
 * config.json, then model.safetensors. Loading either fails with a bad-input exception (an
 * IOException such as ModelLoadException or SafeTensorsFormatException, or an
 * IllegalArgumentException from the config) with a message, or gives a model that loads the same
 * twice, within a budget proportional to the files.
 */
class ModelDirectoryFuzzTest {
  private static Path dir;

  @BeforeAll
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("model-dir-fuzz");
  }

  @AfterAll
  static void deleteDir() throws IOException {
    Files.deleteIfExists(dir.resolve(ModelDirectory.CONFIG));
    Files.deleteIfExists(dir.resolve(ModelDirectory.WEIGHTS));
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(20)
  void modelDirectory(byte[] data) throws IOException {
    int n =
        data.length < 4
            ? 0
            : (int)
                Math.min(
                    data.length - 4L,
                    ByteBuffer.wrap(data, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()
                        & 0xFFFFFFFFL);
    int from = Math.min(4, data.length);
    Files.write(dir.resolve(ModelDirectory.CONFIG), Arrays.copyOfRange(data, from, from + n));
    Files.write(
        dir.resolve(ModelDirectory.WEIGHTS), Arrays.copyOfRange(data, from + n, data.length));
    Object first = outcome();
    FuzzBudget budget = new FuzzBudget(); // the second run: classes loaded, caches warm
    Object second = outcome();
    budget.check(data.length, 200, 8 << 20, 5000);
    if (first instanceof AlbertModel a && second instanceof AlbertModel b) {
      assertEquals(a.head(), b.head());
      assertEquals(a.parameters().flat(), b.parameters().flat());
    } else {
      assertEquals(first, second);
    }
  }

  /** The loaded model, or the message of the bad-input exception. */
  private static Object outcome() throws IOException {
    try {
      return ModelDirectory.load(dir);
    } catch (IOException | IllegalArgumentException e) {
      assertNotNull(e.getMessage(), e.toString());
      return e.getMessage();
    }
  }
}

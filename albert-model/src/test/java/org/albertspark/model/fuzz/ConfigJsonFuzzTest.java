package org.albertspark.model.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.FloatMemory;
import org.albertspark.testing.FuzzBudget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes as {@code config.json}: an IllegalArgumentException naming the file, or a config that
 * writes back to an equal one and whose layouts are either refused with a message or fit one
 * buffer, all within a budget proportional to the file.
 */
class ConfigJsonFuzzTest {
  private static Path dir;

  @BeforeAll
  static void createDir() throws IOException {
    dir = Files.createTempDirectory("config-fuzz");
  }

  @AfterAll
  static void deleteDir() throws IOException {
    Files.deleteIfExists(dir.resolve("config.json"));
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(10)
  void configJson(byte[] data) throws IOException {
    Path file = dir.resolve("config.json");
    Files.write(file, data);
    String first = outcome(file);
    FuzzBudget budget = new FuzzBudget(); // the second run: classes loaded, caches warm
    assertEquals(first, outcome(file));
    budget.check(data.length, 200, 4 << 20, 2000);
  }

  /** The config and its layouts' sizes, or the error, as a string. */
  private static String outcome(Path file) throws IOException {
    AlbertConfig config;
    try {
      config = AlbertConfig.read(file);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      return e.getMessage();
    }
    StringBuilder out = new StringBuilder(config.toJson());
    assertEquals(config, AlbertConfig.fromJson(config.toJson()));
    assertEquals(config.labels(), AlbertConfig.fromJson(config.toJson()).labels());
    for (Head head : Head.values()) {
      try {
        long size = ParameterLayout.of(config, head).totalSize();
        assertTrue(size <= FloatMemory.MAX_FLOATS);
        out.append(size).append('\n');
      } catch (IllegalArgumentException e) {
        assertNotNull(e.getMessage());
        out.append(e.getMessage()).append('\n');
      }
    }
    return out.toString();
  }
}

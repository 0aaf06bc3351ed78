package org.albertspark.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One loaded model per JVM, model directory and content. */
class ClassifierCacheTest {

  @Test
  void threadsShareOneLoadAndChangedFilesAreNoticed(@TempDir Path tmp) throws Exception {
    Path dir = TinyClassifiers.write(tmp.resolve("shared"), List.of("x", "y"), null, 1);
    ModelIdentity id = ModelIdentity.of(dir.toString(), new Configuration());
    assertEquals("shared", id.name());
    assertEquals(16, id.contentHash().length());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<LoadedClassifier>> got = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        got.add(pool.submit(() -> ClassifierCache.get(id)));
      }
      LoadedClassifier first = got.get(0).get();
      for (Future<LoadedClassifier> f : got) {
        assertSame(first, f.get());
      }
    } finally {
      pool.shutdown();
    }

    // other weights in the same directory: another hash, and a stale identity is refused
    Path other = TinyClassifiers.write(tmp.resolve("other"), List.of("x", "y"), null, 2);
    Files.copy(
        other.resolve("model.safetensors"),
        dir.resolve("model.safetensors"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ModelIdentity changed = ModelIdentity.of(dir.toString(), new Configuration());
    assertNotEquals(id.contentHash(), changed.contentHash());
    ModelIdentity stale = new ModelIdentity(id.dir() + "/", id.name(), id.contentHash());
    assertThrows(RuntimeException.class, () -> ClassifierCache.get(stale));
  }
}

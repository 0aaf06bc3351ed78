package org.albertspark.jobs.score;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Loaded classifiers, one per JVM for each model directory and content hash: every task of an
 * executor shares one copy of the weights instead of loading its own (Spark NLP builds a session
 * per task). A directory on a remote file system is copied to a local temporary directory once.
 */
public final class ClassifierCache {

  private static final ConcurrentHashMap<String, LoadedClassifier> LOADED =
      new ConcurrentHashMap<>();

  private ClassifierCache() {}

  /**
   * The classifier of {@code identity}, loading it if this JVM has not yet; concurrent callers wait
   * for one load. Fails if the directory's files no longer have the identity's hash.
   */
  public static LoadedClassifier get(ModelIdentity identity) {
    return LOADED.computeIfAbsent(
        identity.dir() + "#" + identity.contentHash(),
        k -> {
          try {
            return load(identity);
          } catch (IOException e) {
            throw new UncheckedIOException("loading " + identity.dir() + ": " + e.getMessage(), e);
          }
        });
  }

  private static LoadedClassifier load(ModelIdentity identity) throws IOException {
    Path dir = new Path(identity.dir());
    FileSystem fs = dir.getFileSystem(new Configuration());
    java.nio.file.Path local;
    if ("file".equals(fs.getScheme())) {
      local = java.nio.file.Path.of(fs.makeQualified(dir).toUri());
    } else {
      local = Files.createTempDirectory("albert-model-");
      local.toFile().deleteOnExit();
      for (String f : ModelIdentity.FILES) {
        java.nio.file.Path target = local.resolve(f);
        fs.copyToLocalFile(false, new Path(dir, f), new Path(target.toUri()), true);
        target.toFile().deleteOnExit();
      }
    }
    String hash = ModelIdentity.hashLocal(local);
    if (!hash.equals(identity.contentHash())) {
      throw new IOException(
          "the model files changed while scoring (hash "
              + hash
              + ", expected "
              + identity.contentHash()
              + ")");
    }
    return LoadedClassifier.load(local);
  }
}

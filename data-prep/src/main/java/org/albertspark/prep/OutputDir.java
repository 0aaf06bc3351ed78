package org.albertspark.prep;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Prep's output directory on any Hadoop file system: checked before work, replaced, written. */
final class OutputDir {
  private OutputDir() {}

  /** Fails before any work when the output exists and {@code --overwrite} was not given. */
  static void checkWritable(PrepConfig cfg, Configuration conf) {
    Path out = new Path(cfg.output());
    try {
      FileSystem fs = out.getFileSystem(conf);
      if (fs.exists(out) && !cfg.overwrite()) {
        throw new IllegalArgumentException(
            "output " + cfg.output() + " already exists (use --overwrite to replace it)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot access output " + cfg.output() + ": " + e.getMessage(), e);
    }
  }

  static void deleteIfExists(String dir, Configuration conf) {
    Path p = new Path(dir);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(p) && !fs.delete(p, true)) {
        throw new IOException("delete returned false");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot remove existing output " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code text} to {@code dir/name}, replacing it. */
  static void writeFile(String dir, String name, String text, Configuration conf) {
    Path p = new Path(dir, name);
    try (OutputStream o = p.getFileSystem(conf).create(p, true)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + p + ": " + e.getMessage(), e);
    }
  }
}

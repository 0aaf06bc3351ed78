package org.albertspark.prep;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.albertspark.prep.util.Hashing;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code --spm-model} of a prep run, read from any Hadoop file system and parsed once on the
 * driver; its bytes are what gets broadcast, its sha256 what the executors' cache is keyed by.
 */
record SpmModelFile(String path, byte[] bytes, String sha256, SentencePieceModel model) {
  private static final long MAX_BYTES = 1L << 30;

  /**
   * Reads {@code given} and keeps it as {@link #resolved} says, so that the manifest (its flags,
   * its vocabulary and its provenance) names the vocabulary in a way that still works from another
   * working directory (albert pretrain reads it from there).
   */
  static SpmModelFile read(String given, Configuration conf) {
    String path = resolved(given, conf);
    byte[] bytes = readBytes(path, conf);
    try {
      return new SpmModelFile(
          path, bytes, Hashing.sha256Hex(bytes), SentencePieceModel.fromBytes(bytes));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--spm-model " + path + " is not a valid SentencePiece model: " + e.getMessage(), e);
    }
  }

  /** The manifest's "vocabulary" section. */
  Map<String, Object> description() {
    Map<String, Object> vocab = new LinkedHashMap<>();
    vocab.put("path", path);
    vocab.put("sha256", sha256);
    vocab.put("size", model.size());
    return vocab;
  }

  /**
   * {@code path} against the working directory: an absolute path on the local file system, the full
   * URI (scheme, authority, absolute path) on any other.
   */
  static String resolved(String path, Configuration conf) {
    Path p = new Path(path);
    try {
      Path q = p.getFileSystem(conf).makeQualified(p);
      return "file".equals(q.toUri().getScheme()) ? q.toUri().getPath() : q.toString();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot resolve --spm-model " + path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readBytes(String path, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      long len = fs.getFileStatus(p).getLen();
      if (len > MAX_BYTES) {
        throw new IllegalArgumentException("--spm-model " + path + " is larger than 1 GiB");
      }
      try (FSDataInputStream in = fs.open(p)) {
        return in.readNBytes((int) len);
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("--spm-model does not exist: " + path);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read --spm-model " + path + ": " + e.getMessage(), e);
    }
  }
}

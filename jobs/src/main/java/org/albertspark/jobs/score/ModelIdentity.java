package org.albertspark.jobs.score;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a scored row records about the model that scored it: a name and a hash of the files that
 * decide the scores, so a store can tell which rows a given model produced.
 *
 * @param dir the model directory (any Hadoop file system)
 * @param name config.json's {@code _name_or_path} if set, else the directory's name (for a saved
 *     Spark ML model, whose directory is {@code <path>/data}, the path's name)
 * @param contentHash the first 16 hex digits of SHA-256 over config.json, model.safetensors and
 *     spiece.model
 */
public record ModelIdentity(String dir, String name, String contentHash) implements Serializable {

  /** The files the hash covers, in hashing order. */
  static final List<String> FILES =
      List.of(ModelDirectory.CONFIG, ModelDirectory.WEIGHTS, ModelDirectory.SPIECE);

  /** The value of the {@code model} output column: {@code name@hash}. */
  public String label() {
    return name + "@" + contentHash;
  }

  /** Reads and hashes {@code dir}; IOException naming a missing file. */
  public static ModelIdentity of(String dir, Configuration conf) throws IOException {
    Path root = new Path(dir);
    FileSystem fs = root.getFileSystem(conf);
    MessageDigest sha = sha256();
    for (String f : FILES) {
      Path p = new Path(root, f);
      if (!fs.isFile(p)) {
        throw new java.nio.file.NoSuchFileException(
            p.toString(), null, "model directory lacks " + f);
      }
      sha.update(f.getBytes(StandardCharsets.UTF_8));
      try (FSDataInputStream in = fs.open(p)) {
        digest(sha, in);
      }
    }
    String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    return new ModelIdentity(dir, nameOf(root, readConfig(dir, conf)), hash);
  }

  /** The config.json of a model directory on any Hadoop file system. */
  public static AlbertConfig readConfig(String dir, Configuration conf) throws IOException {
    Path p = new Path(new Path(dir), ModelDirectory.CONFIG);
    FileSystem fs = p.getFileSystem(conf);
    try (FSDataInputStream in = fs.open(p)) {
      return AlbertConfig.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
    }
  }

  /** The hash of a local directory's files, to check a copy against. */
  static String hashLocal(java.nio.file.Path dir) throws IOException {
    MessageDigest sha = sha256();
    for (String f : FILES) {
      sha.update(f.getBytes(StandardCharsets.UTF_8));
      try (InputStream in = java.nio.file.Files.newInputStream(dir.resolve(f))) {
        digest(sha, in);
      }
    }
    return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
  }

  private static String nameOf(Path root, AlbertConfig config) {
    String fromConfig = config.nameOrPath();
    if (fromConfig != null && !fromConfig.isBlank()) {
      return fromConfig;
    }
    String name = root.getName();
    if (name.equals("data") && root.getParent() != null && !root.getParent().getName().isEmpty()) {
      return root.getParent().getName();
    }
    return name.isEmpty() ? "model" : name;
  }

  private static void digest(MessageDigest sha, InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

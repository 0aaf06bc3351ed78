package org.albertspark.model.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The published ALBERT v2 shapes (conf/presets/*.json, shipped in the jar). */
public final class Presets {

  public static final List<String> NAMES =
      List.of("albert-base-v2", "albert-large-v2", "albert-xlarge-v2", "albert-xxlarge-v2");

  private Presets() {}

  public static AlbertConfig load(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown preset '" + name + "' (one of " + NAMES + ")");
    }
    try (InputStream in =
        Presets.class.getResourceAsStream("/org/albertspark/model/presets/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("preset " + name + " is missing from the jar");
      }
      return AlbertConfig.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access to the reference fixtures in {@code <albert.shared.dir>/fixtures/tokenizer}. Tests that
 * need them are skipped (not failed) when the directory is absent, as in a fresh clone without
 * ../shared.
 */
final class Fixtures {
  static final String[] MODELS = {"albert-30k", "unigram-2000"};
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, SentencePieceModel> CACHE = new ConcurrentHashMap<>();

  private Fixtures() {}

  static Path dir() {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(
        shared != null && !shared.isBlank(),
        "system property albert.shared.dir is not set: skipping tests that need the reference fixtures");
    Path d = Path.of(shared, "fixtures", "tokenizer");
    assumeTrue(
        Files.isDirectory(d),
        "fixture directory " + d + " is absent: skipping tests that need the reference fixtures");
    return d;
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  static SentencePieceModel model(String name) {
    Path f = file(name + ".model");
    return CACHE.computeIfAbsent(
        name,
        n -> {
          try {
            return SentencePieceModel.load(f);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * Lines split on '\n' only, as spm_encode (getline) reads them: no extra line after a final '\n'.
   */
  static List<String> lines(String name) throws IOException {
    String s = Files.readString(file(name), StandardCharsets.UTF_8);
    return splitLines(s);
  }

  static List<String> splitLines(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  static List<JsonNode> jsonl(String name) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines(name)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  static JsonNode json(String name) throws IOException {
    return JSON.readTree(file(name).toFile());
  }

  static int[] ints(JsonNode arr) {
    int[] out = new int[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asInt();
    }
    return out;
  }

  static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String join(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(ids[i]);
    }
    return sb.toString();
  }

  /** The 1,000 held-out texts from the unambiguous JSONL form. */
  static List<String> heldoutTexts() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : jsonl("heldout.jsonl")) out.add(n.get("text").asText());
    return out;
  }
}

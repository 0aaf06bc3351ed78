package org.albertspark.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Absurd or malformed config values are refused with the key named, before anything is built. */
class AlbertConfigBoundsTest {

  private static final String TINY =
      """
      {"vocab_size": 100, "embedding_size": 8, "hidden_size": 16, "num_hidden_layers": 2,
       "num_attention_heads": 2, "intermediate_size": 32, "max_position_embeddings": 16""";

  private static String tinyWith(String extra) {
    return TINY + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  private static void rejected(String extra, String... fragments) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                assertTimeoutPreemptively(
                    Duration.ofSeconds(5), () -> AlbertConfig.fromJson(tinyWith(extra))),
            extra);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), extra + ": message lacks '" + f + "': " + e);
    }
  }

  @Test
  void absurdSizesNameTheirKey() {
    rejected("\"num_hidden_layers\": 1000000", "num_hidden_layers 1000000 is absurd");
    rejected(
        "\"num_hidden_layers\": 1000000, \"num_hidden_groups\": 1000000",
        "num_hidden_groups 1000000 is absurd");
    rejected("\"num_labels\": 1048576", "num_labels 1048576 is absurd");
    rejected("\"num_labels\": 2147483647", "num_labels 2147483647 is absurd");
    rejected("\"num_labels\": 99999999999", "num_labels must be a positive integer");
    rejected("\"num_labels\": 0", "num_labels must be a positive integer");
    rejected("\"num_labels\": \"3\"", "num_labels must be a positive integer");
    rejected("\"vocab_size\": 553648618", "vocab_size 553648618 is absurd");
    rejected("\"vocab_size\": 1e20", "vocab_size must be a positive integer");
    rejected("\"hidden_size\": 1048576", "hidden_size 1048576 is absurd");
    rejected("\"intermediate_size\": 2147483647", "intermediate_size 2147483647 is absurd");
    rejected("\"inner_group_num\": 2147483647", "inner_group_num 2147483647 is absurd");
    rejected("\"max_position_embeddings\": 2147483647", "max_position_embeddings");
    rejected("\"type_vocab_size\": 2147483647", "type_vocab_size");
    rejected("\"pad_token_id\": \"zero\"", "pad_token_id must be an integer");
    rejected(
        "\"num_hidden_layers\": 1024, \"num_hidden_groups\": 1024, \"inner_group_num\": 1024",
        "num_hidden_groups 1024 × inner_group_num 1024");
  }

  @Test
  void aHugeLabelMapIsRefusedBeforeLabelsAreListed() {
    StringBuilder sb = new StringBuilder("\"id2label\": {");
    for (int i = 0; i <= AlbertConfig.MAX_LABELS; i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(i).append("\":\"l\"");
    }
    rejected(sb.append('}').toString(), "id2label has 65537 labels");
  }

  @Test
  void nonFiniteNumbersNameTheirKey() {
    rejected("\"initializer_range\": 1e309", "initializer_range must be a finite number");
    rejected("\"layer_norm_eps\": -1e400", "layer_norm_eps must be a finite number");
    rejected("\"task_specific_params\": {\"x\": [1, 2e999]}", "task_specific_params.x[1]");
    rejected("\"initializer_range\": -0.5", "initializer_range must be a number >= 0");
    rejected("\"initializer_range\": \"0.02\"", "initializer_range must be a number >= 0");
  }

  /** The largest published shape still fits; the parameter total is bounded as a whole. */
  @Test
  void publishedShapesFitAndTheTotalIsBounded() {
    assertEquals(
        Presets.load("albert-xxlarge-v2").numHiddenLayers(),
        AlbertConfig.fromJson(Presets.load("albert-xxlarge-v2").toJson()).numHiddenLayers());
    ParameterLayout.of(Presets.load("albert-xxlarge-v2"), Head.PRETRAINING);
    AlbertConfig big =
        AlbertConfig.fromJson(tinyWith("\"vocab_size\": 16777216, \"embedding_size\": 128"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ParameterLayout.of(big, Head.PRETRAINING));
    assertTrue(
        e.getMessage().contains("albert.embeddings.word_embeddings.weight [16777216, 128]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("vocab_size 16777216"), e.getMessage());
  }

  @Test
  void aConfigFileThatIsNotUtf8IsNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    byte[] latin1 =
        tinyWith("\"id2label\": {\"0\": \"caf\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, latin1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AlbertConfig.read(file));
    for (String f : List.of(file.toString(), "not UTF-8", "0xe9")) {
      assertTrue(e.getMessage().contains(f), e.getMessage());
    }
  }

  @Test
  void errorsFromAFileNameTheFileAndTheKey(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, tinyWith("\"num_labels\": 2147483647"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AlbertConfig.read(file));
    assertTrue(e.getMessage().startsWith(file + ": num_labels"), e.getMessage());
  }
}

package org.albertspark.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model directories whose config or weights are hostile: refused, named, nothing allocated. */
class ModelDirectoryBoundsTest {

  /** The tiny fixture's weights with its config edited by {@code edit}. */
  private static Path tinyWithConfig(Path tmp, java.util.function.UnaryOperator<String> edit)
      throws IOException {
    Path src = TestFiles.fixture("tiny");
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(
        dir.resolve("config.json"), edit.apply(Files.readString(src.resolve("config.json"))));
    Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    return dir;
  }

  @Test
  void anAbsurdLabelCountNamesTheKeyAndTheFile(@TempDir Path tmp) throws IOException {
    Path dir =
        tinyWithConfig(
            tmp,
            c ->
                c.replace(
                    "\"AlbertForPreTraining\"",
                    "\"AlbertForSequenceClassification\"], \"num_labels\": 1048576, \"x\": [0"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelDirectory.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("num_labels 1048576 is absurd"), e.getMessage());
  }

  @Test
  void aModelTooLargeForOneBufferIsRefusedBeforeTheWeightsAreRead(@TempDir Path tmp)
      throws IOException {
    Path dir =
        tinyWithConfig(
            tmp,
            c ->
                c.replace("\"vocab_size\": 1000", "\"vocab_size\": 16000000")
                    .replace("\"embedding_size\": 32", "\"embedding_size\": 64"));
    Files.delete(dir.resolve("model.safetensors")); // never opened
    Files.writeString(dir.resolve("model.safetensors"), "not read");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelDirectory.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("vocab_size 16000000, embedding_size 64"), e.getMessage());
  }

  @Test
  void anUnexpectedTensorUnderTheModelsOwnHeadIsNamed(@TempDir Path tmp) throws IOException {
    Path src = TestFiles.fixture("tiny").resolve("model.safetensors");
    SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
    try (SafeTensorsFile f = SafeTensorsFile.open(src)) {
      for (String n : f.names()) {
        w.addFloats(n, f.info(n).shape(), f.floats(n));
      }
    }
    w.addFloats("predictions.decoder.extra", new long[] {2}, new float[2]);
    w.addFloats("sop_classifier.extra", new long[] {1}, new float[1]);
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.copy(TestFiles.fixture("tiny").resolve("config.json"), dir.resolve("config.json"));
    w.write(dir.resolve("model.safetensors"));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.load(dir));
    assertEquals(List.of("predictions.decoder.extra", "sop_classifier.extra"), e.unexpected());
    // As a classifier, the whole pretraining head is another head's: ignored, as before.
    assertEquals(
        Head.SEQUENCE_CLASSIFICATION,
        ModelDirectory.load(dir, Head.SEQUENCE_CLASSIFICATION).head());
  }
}

package org.albertspark.jobs.cli;

import static org.albertspark.jobs.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.provenance.Provenance;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
import org.albertspark.vocab.VocabTrainingJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code albert train-vocab} from the command line, on the bundled public-domain text. */
class TrainVocabCommandTest {

  private static final Path TEXT = Path.of("..", "examples", "text", "emma-paragraphs.txt");

  @Test
  void trainsALoadableAlbertVocabularyDeterministically(@TempDir Path tmp) throws Exception {
    // the output path is recorded in the model (trainer_spec), so both runs write the same file
    Path out = tmp.resolve("spiece.model");
    byte[][] bytes = new byte[2][];
    for (int runIndex = 0; runIndex < 2; runIndex++) {
      String[] args = {
        "train-vocab",
        "--input",
        TEXT.toString(),
        "--format",
        "lines",
        "--vocab-size",
        "400",
        "--output",
        out.toString(),
        "--overwrite",
        "--quiet",
        "--master",
        "local[2]",
        "--partitions",
        runIndex == 0 ? "1" : "3"
      };
      CliRun r = run(args);
      assertEquals(0, r.exit(), r.err());
      Provenance p =
          Provenance.fromJson(
              Files.readString(tmp.resolve("spiece.model" + VocabTrainingJob.PROVENANCE_SUFFIX)));
      assertEquals("albert train-vocab", p.tool());
      assertEquals(List.of(args), p.command(), "the command line as given");
      assertEquals(400, p.flags().get("vocab_size"));
      assertEquals(Files.size(TEXT), p.inputs().get(0).bytes());
      assertTrue(r.out().contains("400 pieces"), r.out());
      bytes[runIndex] = Files.readAllBytes(out);
    }
    assertArrayEquals(bytes[0], bytes[1], "same bytes for 1 and 3 partitions");
    SentencePieceModel model = SentencePieceModel.load(out);
    assertEquals(400, model.size());
    AlbertTokenizer tok = new AlbertTokenizer(model);
    assertEquals(0, tok.padId());
    assertEquals(1, tok.unkId());
    int[] ids = tok.tokenizeToIds("Emma Woodhouse, handsome, clever, and rich.");
    assertTrue(ids.length > 5, "encodes");
    for (int id : ids) {
      assertNotEquals(tok.unkId(), id, "every character of the training text is covered");
    }
  }

  @Test
  void aMissingInputIsAClearErrorBeforeAnyWork(@TempDir Path tmp) {
    CliRun r =
        run(
            "train-vocab",
            "--input",
            tmp.resolve("nope.txt").toString(),
            "--output",
            tmp.resolve("m.model").toString(),
            "--quiet");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("nope.txt"), r.err());
    assertTrue(!Files.exists(tmp.resolve("m.model")));
  }
}

package org.albertspark.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model we train loads in Debian's {@code spm_encode} and encodes held-out text exactly as the
 * Java tokenizer does. Needs {@code spm_encode} on the PATH (package {@code sentencepiece}) and the
 * shared fixtures (system property {@code albert.shared.dir}); skipped with a message otherwise.
 */
class SpmCompatibilityTest {

  static Path shared() {
    String p = System.getProperty("albert.shared.dir");
    return p == null ? null : Path.of(p);
  }

  static boolean spmEncodeAvailable() {
    try {
      Process p = new ProcessBuilder("spm_encode", "--help").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void spmEncodeAndJavaTokenizerAgreeOnOurModel(@TempDir Path dir) throws Exception {
    assumeTrue(
        spmEncodeAvailable(),
        "spm_encode not found on the PATH: install Debian/Ubuntu package 'sentencepiece' to run this test");
    Path sh = shared();
    assumeTrue(
        sh != null && Files.isDirectory(sh.resolve("fixtures/tokenizer")),
        "shared fixtures not found (system property albert.shared.dir): skipping");
    // Train on one Gutenberg book (ALBERT preprocessing), 2,000 pieces.
    List<String> lines =
        Files.readAllLines(
            sh.resolve("datasets/gutenberg/austen-persuasion.txt"), StandardCharsets.UTF_8);
    UnigramTrainerOptions o = UnigramTrainerOptions.builder().vocabSize(2000).numThreads(2).build();
    TrainedVocab v =
        new UnigramTrainer(o, s -> {})
            .train(WordTable.of(UnigramTrainerTest.countWords(lines, o), o));
    Path model = dir.resolve("p.model");
    Files.write(
        model,
        VocabModelWriter.build(
                v, o, new VocabModelWriter.RunInfo(List.of("austen-persuasion.txt"), "p", "text"))
            .toBytes());

    SentencePieceModel m = SentencePieceModel.load(model);
    AlbertTokenizer albert = new AlbertTokenizer(m);
    // Held-out lines with edge cases (accents, CJK, emoji, digits, [MASK]...), raw and
    // preprocessed.
    List<String> raw =
        Arrays.asList(
            Files.readString(sh.resolve("fixtures/tokenizer/heldout.txt"), StandardCharsets.UTF_8)
                .split("\n", -1));
    List<String> held = new ArrayList<>();
    for (String l : raw) {
      if (l.contains("\r")) {
        continue; // spm_encode and Java disagree on what a line is, not on encoding
      }
      held.add(l);
      held.add(albert.preprocess(l));
    }
    Path in = dir.resolve("held.txt");
    Files.write(in, held, StandardCharsets.UTF_8);
    Path out = dir.resolve("ids.txt");
    Process p =
        new ProcessBuilder(
                "spm_encode",
                "--model=" + model,
                "--output_format=id",
                "--input=" + in,
                "--output=" + out)
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "spm_encode failed to load/encode with our model:\n" + log);
    List<String> spm = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(held.size(), spm.size());
    int differ = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < held.size(); i++) {
      int[] ids = m.encodeAsIds(held.get(i));
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < ids.length; k++) {
        sb.append(k == 0 ? "" : " ").append(ids[k]);
      }
      if (!sb.toString().equals(spm.get(i))) {
        if (differ++ == 0) {
          first
              .append("line ")
              .append(i)
              .append(": ")
              .append(held.get(i))
              .append("\n java: ")
              .append(sb)
              .append("\n  spm: ")
              .append(spm.get(i));
        }
      }
    }
    assertEquals(0, differ, differ + " of " + held.size() + " lines differ; first:\n" + first);
  }
}

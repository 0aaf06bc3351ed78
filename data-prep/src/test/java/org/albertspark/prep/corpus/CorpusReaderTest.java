package org.albertspark.prep.corpus;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus reader without Spark: splitting, formats, bad input. */
class CorpusReaderTest {
  @TempDir Path dir;
  private final Configuration conf = new Configuration();

  private List<CorpusDocument> readAll(Path file, CorpusOptions opts, long splitBytes) {
    CorpusReader.Input in = CorpusReader.resolve(List.of(file.toString()), conf);
    List<CorpusDocument> out = new ArrayList<>();
    for (InputSplitSpec s : CorpusReader.splits(in, 1, opts.withSplitBytes(splitBytes))) {
      Iterator<CorpusDocument> it = CorpusReader.readSplit(s, opts, conf);
      it.forEachRemaining(out::add);
    }
    return out;
  }

  private static String render(List<CorpusDocument> docs) {
    StringBuilder sb = new StringBuilder();
    for (CorpusDocument d : docs) {
      sb.append(d.offset())
          .append(' ')
          .append(d.problem())
          .append(' ')
          .append(d.sentences())
          .append('\n');
    }
    return sb.toString();
  }

  /** Random BERT-convention text with runs of blank and whitespace-only lines. */
  private static String randomText(Random r, int docs) {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < docs; d++) {
      int lines = 1 + r.nextInt(8);
      for (int l = 0; l < lines; l++) {
        int words = 1 + r.nextInt(15);
        for (int w = 0; w < words; w++) {
          sb.append(w == 0 ? "" : " ").append("w").append(r.nextInt(1000));
        }
        sb.append(r.nextInt(10) == 0 ? "\r\n" : "\n");
      }
      int blanks = 1 + r.nextInt(3);
      for (int b = 0; b < blanks; b++) {
        sb.append(r.nextBoolean() ? "\n" : "  \t\n");
      }
    }
    return sb.toString();
  }

  @Test
  void textSplitsGiveTheSameDocumentsAsOneSplit() throws IOException {
    Random r = new Random(1);
    Path f = dir.resolve("a.txt");
    Files.writeString(f, "\n\n" + randomText(r, 400));
    CorpusOptions opts = CorpusOptions.of(CorpusFormat.TEXT);
    String whole = render(readAll(f, opts, 0));
    assertEquals(400, readAll(f, opts, 0).size());
    for (long split : new long[] {97, 1000, 4096}) {
      assertEquals(whole, render(readAll(f, opts, split)), "split size " + split);
    }
  }

  @Test
  void lineFormatsSplitConsistently() throws IOException {
    Random r = new Random(2);
    StringBuilder lines = new StringBuilder();
    StringBuilder jsonl = new StringBuilder();
    StringBuilder tsv = new StringBuilder("id\ttext\n");
    for (int i = 0; i < 300; i++) {
      String text =
          "Sentence one of "
              + i
              + ". And a second one! Third? "
              + (r.nextBoolean() ? "Fourth." : "");
      lines.append(text).append('\n');
      jsonl.append("{\"id\": ").append(i).append(", \"text\": \"").append(text).append("\"}\n");
      tsv.append(i).append('\t').append(text).append('\n');
    }
    Files.writeString(dir.resolve("l.txt"), lines);
    Files.writeString(dir.resolve("j.jsonl"), jsonl);
    Files.writeString(dir.resolve("t.tsv"), tsv);
    for (var c :
        List.of(
            new Object[] {"l.txt", CorpusFormat.LINES},
            new Object[] {"j.jsonl", CorpusFormat.JSONL},
            new Object[] {"t.tsv", CorpusFormat.TSV})) {
      Path f = dir.resolve((String) c[0]);
      CorpusOptions opts = CorpusOptions.of((CorpusFormat) c[1]);
      List<CorpusDocument> one = readAll(f, opts, 0);
      assertEquals(300, one.size(), c[0].toString());
      assertTrue(one.stream().allMatch(CorpusDocument::isOk), render(one));
      assertTrue(one.get(0).sentences().size() >= 3, one.get(0).sentences().toString());
      for (long split : new long[] {97, 500}) {
        assertEquals(render(one), render(readAll(f, opts, split)), c[0] + " split " + split);
      }
    }
  }

  @Test
  void badInputIsCountedNeverDropped() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("good one.\nsecond line.\n\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '\n'}); // invalid UTF-8
    b.writeBytes("rest of the bad doc\n\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes("x".repeat(10 * 1024 * 1024).getBytes(StandardCharsets.UTF_8)); // a 10 MB line
    b.writeBytes("\nafter the long line\n\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes("has a \0 nul\n\n".getBytes(StandardCharsets.UTF_8)); // NUL after the sniff window
    b.writeBytes("one sentence doc\n\n   \n\nlast doc.\nend".getBytes(StandardCharsets.UTF_8));
    byte[] head = new byte[SplitReader.SNIFF_BYTES];
    Arrays.fill(head, (byte) 'a');
    Path f = dir.resolve("bad.txt");
    byte[] content = b.toByteArray();
    // keep NUL beyond the binary sniff window: prefix a long harmless document
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(head);
    all.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
    all.writeBytes(content);
    Files.write(f, all.toByteArray());
    CorpusOptions opts = CorpusOptions.of(CorpusFormat.TEXT);
    for (long split : new long[] {0, 1 << 20, 3 << 20}) {
      List<CorpusDocument> docs = readAll(f, opts, split);
      String r = render(docs);
      assertEquals(7, docs.size(), r);
      assertEquals(List.of("good one.", "second line."), docs.get(1).sentences());
      assertEquals(Problem.INVALID_UTF8, docs.get(2).problem());
      assertEquals(Problem.TOO_LONG, docs.get(3).problem());
      assertEquals(Problem.BINARY, docs.get(4).problem());
      assertEquals(List.of("one sentence doc"), docs.get(5).sentences());
      assertEquals(List.of("last doc.", "end"), docs.get(6).sentences());
    }
    // replacing instead of skipping invalid UTF-8
    List<CorpusDocument> replaced = readAll(f, opts.withReplaceInvalidUtf8(true), 0);
    assertTrue(replaced.get(2).isOk());
    assertTrue(replaced.get(2).sentences().get(0).contains("\uFFFD"));
  }

  @Test
  void binaryFileIsOneRecord() throws IOException {
    byte[] bin = new byte[100_000];
    new Random(3).nextBytes(bin);
    bin[10] = 0;
    Path f = dir.resolve("blob.bin");
    Files.write(f, bin);
    for (long split : new long[] {0, 10_000}) {
      List<CorpusDocument> docs = readAll(f, CorpusOptions.of(CorpusFormat.TEXT), split);
      assertEquals(1, docs.size());
      assertEquals(Problem.BINARY, docs.get(0).problem());
    }
  }

  @Test
  void gzipTransparentAndCorruptGzipIsUnreadable() throws IOException {
    Path gz = dir.resolve("c.txt.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write("a b.\nc d.\n\ne f.\ng h.\n".getBytes(StandardCharsets.UTF_8));
    }
    List<CorpusDocument> docs = readAll(gz, CorpusOptions.of(CorpusFormat.TEXT), 3);
    assertEquals(2, docs.size());
    assertEquals(List.of("e f.", "g h."), docs.get(1).sentences());
    byte[] bytes = Files.readAllBytes(gz);
    Path broken = dir.resolve("broken.txt.gz");
    Files.write(broken, Arrays.copyOf(bytes, bytes.length - 12)); // truncated
    List<CorpusDocument> b = readAll(broken, CorpusOptions.of(CorpusFormat.TEXT), 0);
    assertEquals(Problem.UNREADABLE_FILE, b.get(b.size() - 1).problem(), render(b));
  }

  @Test
  void jsonlProblems() throws IOException {
    Path f = dir.resolve("p.jsonl");
    Files.writeString(
        f, "{\"text\": \"Fine. Two.\"}\nnot json\n[1,2]\n{\"body\": \"x\"}\n{\"text\": \"\"}\n\n");
    List<CorpusDocument> d = readAll(f, CorpusOptions.of(CorpusFormat.JSONL), 0);
    assertEquals(6, d.size(), render(d));
    assertTrue(d.get(0).isOk());
    assertEquals(Problem.INVALID_JSON, d.get(1).problem());
    assertEquals(Problem.INVALID_JSON, d.get(2).problem());
    assertEquals(Problem.MISSING_FIELD, d.get(3).problem());
    assertEquals(Problem.EMPTY, d.get(4).problem());
    assertEquals(Problem.EMPTY, d.get(5).problem());
    List<CorpusDocument> other =
        readAll(f, CorpusOptions.of(CorpusFormat.JSONL).withTextField("body"), 0);
    assertTrue(other.get(3).isOk());
  }

  @Test
  void oversizedTextDocumentIsCutAtLines() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      sb.append("line number ").append(i).append('\n');
    }
    Path f = dir.resolve("big.txt");
    Files.writeString(f, sb);
    CorpusOptions opts =
        CorpusOptions.of(CorpusFormat.TEXT).withMaxLineBytes(100).withMaxDocumentBytes(1000);
    List<CorpusDocument> d = readAll(f, opts, 0);
    assertTrue(d.size() > 10);
    assertEquals(1000, d.stream().mapToInt(x -> x.sentences().size()).sum(), "no line lost");
    assertEquals(render(d), render(readAll(f, opts, 777)));
  }

  @Test
  void missingPathsFailBeforeWork() throws IOException {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CorpusReader.resolve(List.of(dir.resolve("nope.txt").toString()), conf));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CorpusReader.resolve(List.of(dir.resolve("*.nothing").toString()), conf));
    assertTrue(e.getMessage().contains("matches no files"), e.getMessage());
    Path empty = Files.createDirectory(dir.resolve("emptydir"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CorpusReader.resolve(List.of(empty.toString()), conf));
    assertTrue(e.getMessage().contains("holds no files"), e.getMessage());
    Path sub = Files.createDirectories(dir.resolve("tree/sub"));
    Files.writeString(sub.resolve("x.txt"), "a\n");
    Files.writeString(sub.resolve("_SUCCESS"), "");
    Files.writeString(dir.resolve("tree/.hidden"), "");
    assertEquals(
        1, CorpusReader.resolve(List.of(dir.resolve("tree").toString()), conf).files().size());
  }

  @Test
  void sentenceSplitter() {
    assertEquals(
        List.of("Hello there.", "How are you?", "Fine!"),
        SentenceSplitter.split("Hello there. How are you? Fine!"));
    assertEquals(
        List.of("Para one.", "Para two."), SentenceSplitter.split("Para one.\n\nPara two."));
    assertEquals(List.of(), SentenceSplitter.split("  \n "));
  }
}

package org.albertspark.prep.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Streams the documents of one {@link InputSplitSpec}: constant memory apart from the current
 * document (bounded by --max-document-bytes) and one line (bounded by --max-line-bytes). I/O errors
 * become an UNREADABLE_FILE record, never an exception.
 */
final class SplitReader implements Iterator<CorpusDocument>, Closeable {
  static final int SNIFF_BYTES = 8192;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InputSplitSpec split;
  private final CorpusOptions options;
  private final Configuration conf;
  private final ArrayDeque<CorpusDocument> ready = new ArrayDeque<>();
  private final CharsetDecoder decoder;
  private InputStream in;
  private LineScanner scanner;
  private boolean started;
  private boolean finished;
  private int tsvColumn = -1;
  private String tsvHeaderProblem;

  SplitReader(InputSplitSpec split, CorpusOptions options, Configuration conf) {
    this.split = split;
    this.options = options;
    this.conf = conf;
    CodingErrorAction action =
        options.replaceInvalidUtf8() ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
    this.decoder =
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(action).onUnmappableCharacter(action);
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !finished) {
      advance();
    }
    return !ready.isEmpty();
  }

  @Override
  public CorpusDocument next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private InputStream open(long seekTo) throws IOException {
    Path p = new Path(split.path());
    FileSystem fs = p.getFileSystem(conf);
    FSDataInputStream raw = fs.open(p);
    if (split.compressed()) {
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
      if (codec == null) {
        raw.close();
        throw new IOException("no codec for " + p);
      }
      return codec.createInputStream(raw);
    }
    if (seekTo > 0) {
      raw.seek(seekTo);
    }
    return raw;
  }

  /** First bytes of the (decompressed) file contain NUL: a binary file. */
  private boolean sniffBinary() throws IOException {
    try (InputStream s = open(0)) {
      byte[] b = s.readNBytes(SNIFF_BYTES);
      for (byte x : b)
        if (x == 0) {
          return true;
        }
      return false;
    }
  }

  private void advance() {
    try {
      if (!started) {
        started = true;
        if (sniffBinary()) {
          if (split.start() == 0) {
            ready.add(
                CorpusDocument.problem(
                    split.path(),
                    0,
                    Problem.BINARY,
                    "NUL bytes in the first " + SNIFF_BYTES + " bytes: binary file skipped",
                    split.fileLength()));
          }
          finish();
          return;
        }
        if (options.format() == CorpusFormat.TSV) {
          readTsvHeader();
        }
        long s = split.compressed() ? 0 : split.start();
        in = open(s > 0 ? s - 1 : 0);
        scanner = new LineScanner(in, s > 0 ? s - 1 : 0, options.maxLineBytes());
        if (s > 0) {
          scanner.skipLine(); // the line containing s-1 belongs to the previous split
        }
        if (options.format() == CorpusFormat.TSV && s == 0) {
          if (!scanner.next()) { // header, already parsed
            finish();
            return;
          }
        }
        if (options.format() == CorpusFormat.TEXT && s > 0) {
          // Documents of this split begin after the first blank line at or after s.
          while (true) {
            if (!scanner.next()) {
              finish();
              return;
            }
            if (scanner.isBlank()) {
              if (scanner.lineStart >= end()) {
                finish();
                return;
              }
              break;
            }
          }
        }
      }
      if (options.format() == CorpusFormat.TEXT) {
        readTextDocument();
      } else {
        readLineDocument();
      }
    } catch (IOException | RuntimeException e) {
      long at = scanner != null ? scanner.position() : split.start();
      ready.add(
          CorpusDocument.problem(
              split.path(),
              at,
              Problem.UNREADABLE_FILE,
              e.getClass().getSimpleName() + ": " + e.getMessage() + " (at byte " + at + ")",
              0));
      finish();
    }
  }

  private long end() {
    return split.compressed() ? Long.MAX_VALUE : split.end();
  }

  private void readTsvHeader() throws IOException {
    try (InputStream s = open(0)) {
      LineScanner h = new LineScanner(s, 0, options.maxLineBytes());
      if (!h.next() || h.tooLong) {
        tsvHeaderProblem = "no header row";
        return;
      }
      String header = new String(h.line, 0, h.length, StandardCharsets.UTF_8);
      String[] cols = header.split("\t", -1);
      for (int i = 0; i < cols.length; i++) {
        if (cols[i].strip().equals(options.textField())) {
          tsvColumn = i;
        }
      }
      if (tsvColumn < 0) {
        tsvHeaderProblem = "no column '" + options.textField() + "' in header " + header;
      }
    }
  }

  /** One line = one document (lines, jsonl, tsv). */
  private void readLineDocument() throws IOException {
    if (!scanner.next() || scanner.lineStart >= end()) {
      finish();
      return;
    }
    long off = scanner.lineStart;
    long bytes = scanner.fullLength + 1;
    if (scanner.tooLong) {
      ready.add(
          CorpusDocument.problem(
              split.path(),
              off,
              Problem.TOO_LONG,
              "line of "
                  + scanner.fullLength
                  + " bytes > --max-line-bytes "
                  + options.maxLineBytes(),
              bytes));
      return;
    }
    if (scanner.hasNul) {
      ready.add(
          CorpusDocument.problem(split.path(), off, Problem.BINARY, "NUL byte in line", bytes));
      return;
    }
    String line = decode(scanner.line, scanner.length);
    if (line == null) {
      ready.add(
          CorpusDocument.problem(
              split.path(), off, Problem.INVALID_UTF8, "malformed UTF-8", bytes));
      return;
    }
    String text;
    switch (options.format()) {
      case LINES -> text = line;
      case JSONL -> {
        if (line.isBlank()) {
          text = "";
          break;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          ready.add(
              CorpusDocument.problem(
                  split.path(), off, Problem.INVALID_JSON, firstLine(e.getMessage()), bytes));
          return;
        }
        if (node == null || !node.isObject()) {
          ready.add(
              CorpusDocument.problem(
                  split.path(), off, Problem.INVALID_JSON, "not a JSON object", bytes));
          return;
        }
        JsonNode v = node.get(options.textField());
        if (v == null || v.isNull() || !v.isTextual()) {
          ready.add(
              CorpusDocument.problem(
                  split.path(),
                  off,
                  Problem.MISSING_FIELD,
                  "no string field '" + options.textField() + "'",
                  bytes));
          return;
        }
        text = v.asText();
      }
      case TSV -> {
        if (tsvHeaderProblem != null) {
          ready.add(
              CorpusDocument.problem(
                  split.path(), off, Problem.MISSING_FIELD, tsvHeaderProblem, bytes));
          return;
        }
        if (line.isBlank()) {
          text = "";
          break;
        }
        String[] cols = line.split("\t", -1);
        if (tsvColumn >= cols.length) {
          ready.add(
              CorpusDocument.problem(
                  split.path(),
                  off,
                  Problem.MISSING_FIELD,
                  "row has " + cols.length + " columns, text is column " + (tsvColumn + 1),
                  bytes));
          return;
        }
        text = cols[tsvColumn];
      }
      default -> throw new IllegalStateException(options.format().toString());
    }
    List<String> sentences = SentenceSplitter.split(text);
    if (sentences.isEmpty()) {
      ready.add(CorpusDocument.problem(split.path(), off, Problem.EMPTY, null, bytes));
    } else {
      ready.add(CorpusDocument.ok(split.path(), off, sentences, bytes, false));
    }
  }

  /** BERT convention: a document is a run of non-blank lines, one sentence per line. */
  private void readTextDocument() throws IOException {
    // skip blank lines before the document
    while (true) {
      if (!scanner.next()) {
        finish();
        return;
      }
      if (!scanner.isBlank()) {
        break;
      }
      if (scanner.lineStart >= end()) {
        finish();
        return;
      }
    }
    long off = scanner.lineStart;
    long bytes = 0;
    List<String> sentences = new ArrayList<>();
    Problem problem = null;
    String detail = null;
    while (true) {
      bytes += scanner.fullLength + 1;
      if (problem == null) {
        if (scanner.tooLong) {
          problem = Problem.TOO_LONG;
          detail =
              "line of "
                  + scanner.fullLength
                  + " bytes at offset "
                  + scanner.lineStart
                  + " > --max-line-bytes "
                  + options.maxLineBytes();
        } else if (scanner.hasNul) {
          problem = Problem.BINARY;
          detail = "NUL byte in line at offset " + scanner.lineStart;
        } else {
          String s = decode(scanner.line, scanner.length);
          if (s == null) {
            problem = Problem.INVALID_UTF8;
            detail = "malformed UTF-8 in line at offset " + scanner.lineStart;
          } else {
            s = s.strip();
            if (!s.isEmpty()) {
              sentences.add(s);
            }
          }
        }
        if (problem != null) {
          sentences.clear();
        }
      }
      if (problem == null && bytes >= options.maxDocumentBytes()) {
        // cut here: memory stays bounded; the rest starts a new document at the next line
        ready.add(CorpusDocument.ok(split.path(), off, sentences, bytes, true));
        return;
      }
      if (!scanner.next()) {
        emitText(off, sentences, problem, detail, bytes);
        finish();
        return;
      }
      if (scanner.isBlank()) {
        emitText(off, sentences, problem, detail, bytes);
        if (scanner.lineStart >= end()) {
          finish();
        }
        return;
      }
    }
  }

  private void emitText(
      long off, List<String> sentences, Problem problem, String detail, long bytes) {
    if (problem != null) {
      ready.add(CorpusDocument.problem(split.path(), off, problem, detail, bytes));
    } else {
      ready.add(CorpusDocument.ok(split.path(), off, sentences, bytes, false));
    }
  }

  private String decode(byte[] b, int len) {
    try {
      decoder.reset();
      CharBuffer cb = decoder.decode(ByteBuffer.wrap(b, 0, len));
      return cb.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return null;
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private void finish() {
    finished = true;
    close();
  }

  @Override
  public void close() {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing a read-only stream
      }
      in = null;
    }
  }
}

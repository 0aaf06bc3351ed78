package org.albertspark.jobs.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code albert tokenize}: spm_encode in pure Java, or ALBERT's (HuggingFace) tokenization. */
@Command(
    name = "tokenize",
    description = {
      "Tokenize text with a SentencePiece model, one output line per input line.",
      "Input lines are split on '\\n' only (a '\\r' stays part of the line), as spm_encode reads them; "
          + "ids or pieces are separated by single spaces; an empty result gives an empty line.",
      "Without --albert the output is exactly spm_encode's (--output_format=id|piece), "
          + "invalid UTF-8 bytes included.",
      "With --albert each line gets ALBERT's preprocessing (whitespace collapse, ``/'' -> \", "
          + "accent stripping, lower-casing) and HuggingFace AlbertTokenizer's _tokenize "
          + "(digit-comma rule); no [CLS]/[SEP] are added. Input must be UTF-8 (malformed bytes become U+FFFD)."
    })
public final class TokenizeCommand implements Callable<Integer> {

  /** Output format, as spm_encode's --output_format. */
  public enum Format {
    id,
    piece
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--spm-model",
      required = true,
      paramLabel = "FILE",
      description = "SentencePiece .model file (e.g. ALBERT's 30k-clean.model / spiece.model).")
  Path model;

  @Option(
      names = "--albert",
      description = "Apply ALBERT's preprocessing and HuggingFace's AlbertTokenizer._tokenize.")
  boolean albert;

  @Option(
      names = "--format",
      defaultValue = "piece",
      paramLabel = "id|piece",
      description = "Print ids or pieces (default: ${DEFAULT-VALUE}, as spm_encode).")
  Format format;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "Input text file (default: standard input).")
  Path input;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Output file (default: standard output).")
  Path output;

  @Override
  public Integer call() throws IOException {
    SentencePieceModel sp;
    try {
      sp = SentencePieceModel.load(model);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("cannot load --spm-model: " + e.getMessage(), e);
    }
    AlbertTokenizer tok = albert ? new AlbertTokenizer(sp) : null;
    try (InputStream in =
            new BufferedInputStream(
                input == null ? System.in : Files.newInputStream(input), 1 << 16);
        OutputStream out =
            output == null
                ? new BufferedOutputStream(new NonClosing(System.out), 1 << 16)
                : new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
      run(sp, tok, format, in, out);
    }
    return 0;
  }

  /**
   * Reads lines (split on '\n' only) from {@code in} and writes one result line each to {@code
   * out}.
   */
  static void run(
      SentencePieceModel sp, AlbertTokenizer tok, Format format, InputStream in, OutputStream out)
      throws IOException {
    byte[] line = new byte[4096];
    int len = 0;
    byte[] buf = new byte[1 << 16];
    boolean pending = false; // bytes seen since the last '\n'
    int n;
    while ((n = in.read(buf)) > 0) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          emit(sp, tok, format, line, len, out);
          len = 0;
          pending = false;
        } else {
          if (len == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
          }
          line[len++] = b;
          pending = true;
        }
      }
    }
    if (pending) {
      emit(sp, tok, format, line, len, out); // last line without '\n', as getline
    }
    out.flush();
  }

  private static void emit(
      SentencePieceModel sp,
      AlbertTokenizer tok,
      Format format,
      byte[] line,
      int len,
      OutputStream out)
      throws IOException {
    if (format == Format.id) {
      int[] ids;
      if (tok == null) {
        ids = sp.encodeUtf8AsIds(line, 0, len);
      } else {
        ids = tok.tokenizeToIds(new String(line, 0, len, StandardCharsets.UTF_8));
      }
      StringBuilder sb = new StringBuilder(ids.length * 6 + 1);
      for (int i = 0; i < ids.length; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(ids[i]);
      }
      sb.append('\n');
      out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    } else {
      List<String> pieces;
      if (tok == null) {
        pieces = sp.encodeUtf8AsPieces(line, 0, len);
      } else {
        pieces = tok.tokenize(new String(line, 0, len, StandardCharsets.UTF_8));
      }
      out.write((String.join(" ", pieces) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Standard output must stay open after the command. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}

package org.albertspark.vocab;

import java.io.Serializable;
import java.util.List;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.ModelProto;
import org.albertspark.tokenizer.Normalizer;
import org.albertspark.tokenizer.PieceType;
import org.albertspark.tokenizer.SentencePieceModel;

/**
 * Raw text → the words SentencePiece trains on: optional ALBERT preprocessing (whitespace collapse,
 * accent stripping, lower-casing, as HF/TF ALBERT's {@code preprocess_text}), the nmt_nfkc
 * normalizer (the tokenizer's own Java implementation), the split into ▁-prefixed words, and the
 * cut at special symbols. Serializable (for Spark executors); the normalizer is rebuilt lazily.
 */
public final class TextPipeline implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean albertPreprocess;
  private final MetaSymbolSplitter splitter;
  private transient Normalizer normalizer;
  private transient AlbertTokenizer albert;

  public TextPipeline(boolean albertPreprocess, UnigramTrainerOptions options) {
    this.albertPreprocess = albertPreprocess;
    this.splitter = new MetaSymbolSplitter(options.trainingBoundarySymbols());
  }

  public boolean albertPreprocess() {
    return albertPreprocess;
  }

  private void init() {
    if (normalizer != null) {
      return;
    }
    normalizer = Normalizer.of(NmtNfkc.spec());
    if (albertPreprocess) {
      // AlbertTokenizer.preprocess only depends on its flags; any model with ALBERT's specials
      // works.
      ModelProto p =
          ModelProto.builder()
              .addPiece("<pad>", 0f, PieceType.CONTROL)
              .addPiece("<unk>", 0f, PieceType.UNKNOWN)
              .addPiece("[CLS]", 0f, PieceType.CONTROL)
              .addPiece("[SEP]", 0f, PieceType.CONTROL)
              .addPiece("[MASK]", 0f, PieceType.CONTROL)
              .addPiece("\u2581", -1f, PieceType.NORMAL)
              .trainerSpec(
                  org.albertspark.tokenizer.TrainerSpec.builder()
                      .unkId(1)
                      .padId(0)
                      .bosId(-1)
                      .eosId(-1)
                      .build())
              .normalizerSpec(NmtNfkc.spec())
              .build();
      albert = new AlbertTokenizer(SentencePieceModel.fromProto(p), true, false);
    }
  }

  /** The line after ALBERT preprocessing (unchanged when preprocessing is off). */
  public String preprocess(String line) {
    init();
    if (line.indexOf('\0') >= 0) {
      line = line.replace("\0", ""); // SentencePiece ignores NUL
    }
    return albertPreprocess ? albert.preprocess(line) : line;
  }

  /** The normalized text of one line (▁ for spaces, with the dummy prefix), or "" when empty. */
  public String normalize(String line) {
    String s = preprocess(line);
    return normalizer.normalize(s);
  }

  /** Appends the word fragments of one line (words cut at special symbols) to {@code out}. */
  public void words(String line, List<String> out) {
    words(line, out, true);
  }

  /**
   * Appends the ▁-words of one line to {@code out} (SentencePiece's SplitIntoWords: a word starts
   * at the beginning and at every ▁), cut at special symbols when {@code cut}.
   */
  public void words(String line, List<String> out, boolean cut) {
    String norm = normalize(line);
    int n = norm.length();
    int start = 0;
    for (int i = 1; i <= n; i++) {
      if (i == n || norm.charAt(i) == Pieces.WS) {
        if (i > start) {
          String w = norm.substring(start, i);
          if (cut) {
            splitter.split(w, out);
          } else {
            out.add(w);
          }
        }
        start = i;
      }
    }
  }
}

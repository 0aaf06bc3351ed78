package org.albertspark.prep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.albertspark.prep.mask.VocabInfo;
import org.albertspark.prep.util.Hashing;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.PieceType;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.spark.broadcast.Broadcast;

/**
 * SentencePiece tokenizers for prep, loaded once per JVM: a cache keyed by the sha256 of the model
 * bytes, filled from a broadcast (the bytes travel once per executor, the model is parsed once per
 * executor JVM, never per record or task). The one piece of JVM-wide state in the project, on
 * purpose: Spark gives tasks no per-executor object to hang it on. Its entries are immutable and it
 * holds at most {@link #MAX_MODELS} models (least recently used go first).
 */
public final class SpmTokenizers {
  static final int MAX_MODELS = 4;
  private static final Map<String, PrepTokenizer> CACHE =
      Collections.synchronizedMap(
          new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PrepTokenizer> eldest) {
              return size() > MAX_MODELS;
            }
          });

  private SpmTokenizers() {}

  /**
   * ALBERT's tokenizer (lower-case, accent strip) over a SentencePiece model, with masking tables.
   */
  public static final class Spm implements PrepTokenizer {
    private final AlbertTokenizer tokenizer;
    private final VocabInfo vocab;

    public Spm(SentencePieceModel model) {
      this.tokenizer = new AlbertTokenizer(model);
      this.vocab = vocabInfo(model, tokenizer);
    }

    @Override
    public int[] encode(String sentence) {
      return tokenizer.tokenizeToIds(sentence);
    }

    @Override
    public VocabInfo vocab() {
      return vocab;
    }

    public AlbertTokenizer tokenizer() {
      return tokenizer;
    }
  }

  /**
   * Masking tables of a SentencePiece vocabulary; fails clearly if ALBERT's special pieces are
   * missing.
   */
  public static VocabInfo vocabInfo(SentencePieceModel model, AlbertTokenizer tok) {
    int n = model.size();
    for (String p : new String[] {"[CLS]", "[SEP]", "[MASK]"}) {
      int id = model.pieceToId(p);
      if (id < 0 || id >= n || !p.equals(model.idToPiece(id))) {
        throw new IllegalArgumentException(
            "the SentencePiece model has no "
                + p
                + " piece; ALBERT pretraining needs [CLS], [SEP] and [MASK] (train the vocabulary with them"
                + " as user-defined or control symbols)");
      }
    }
    boolean[] start = new boolean[n];
    boolean[] special = new boolean[n];
    List<Integer> cand = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PieceType t = model.type(i);
      start[i] = VocabInfo.isStartPiece(model.idToPiece(i));
      special[i] = t == PieceType.CONTROL || t == PieceType.UNUSED;
      if (t == PieceType.NORMAL || t == PieceType.USER_DEFINED) {
        cand.add(i);
      }
    }
    int cls = tok.clsId(), sep = tok.sepId(), mask = tok.maskId(), pad = tok.padId();
    cand.removeIf(i -> i == cls || i == sep || i == mask || i == pad);
    int[] c = cand.stream().mapToInt(Integer::intValue).toArray();
    return new VocabInfo(cls, sep, mask, pad, start, special, c);
  }

  /** The JVM-wide tokenizer for these model bytes. */
  public static PrepTokenizer cached(String sha256, java.util.function.Supplier<byte[]> bytes) {
    return CACHE.computeIfAbsent(
        sha256,
        k -> {
          byte[] b = bytes.get();
          String actual = Hashing.sha256Hex(b);
          if (!actual.equals(k)) {
            throw new IllegalStateException("model bytes do not match checksum " + k);
          }
          return new Spm(SentencePieceModel.fromBytes(b));
        });
  }

  /** How many models this JVM has loaded (for tests of the once-per-JVM rule). */
  public static int cachedModels() {
    return CACHE.size();
  }

  /** A {@link PrepTokenizer.Source} backed by a broadcast of the model bytes. */
  public static PrepTokenizer.Source source(Broadcast<byte[]> modelBytes, String sha256) {
    return new BroadcastSource(modelBytes, sha256);
  }

  private record BroadcastSource(Broadcast<byte[]> bytes, String sha256)
      implements PrepTokenizer.Source {
    @Override
    public PrepTokenizer get() {
      return cached(sha256, bytes::value);
    }

    @Override
    public String checksum() {
      return sha256;
    }
  }
}

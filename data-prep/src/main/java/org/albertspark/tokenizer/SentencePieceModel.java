package org.albertspark.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A SentencePiece model (unigram; BPE too), in pure Java, producing exactly what {@code spm_encode}
 * produces.
 *
 * <p>Encoding follows SentencePiece: {@link Normalizer normalization} on UTF-8 bytes, then the
 * unigram Viterbi search of {@code unigram_model.cc} (EncodeOptimized: best path ending at every
 * byte position, pieces found with a trie, float scores, user-defined symbols scored {@code length
 * * max_score - 0.1}, an unknown character scored {@code min_score - 10}), then, as {@code
 * PopulateSentencePieceText}, consecutive unknown pieces merged into one (or, with byte fallback,
 * unknown pieces spelled as {@code <0xXX>} byte pieces).
 *
 * <p>Immutable and thread-safe: one instance may be shared by every thread. Per-call scratch
 * buffers live in a per-instance {@link ThreadLocal}; there is no global mutable state.
 *
 * <p>Java strings may hold unpaired surrogates, which have no UTF-8 form: each is handled like one
 * malformed UTF-8 byte in {@code spm_encode}'s input, i.e. it becomes a U+FFFD character that is
 * not normalized further (so an unknown piece, merged with adjacent unknowns). NUL and other
 * control characters are handled exactly as SentencePiece handles them (nmt_nfkc drops most C0
 * controls, maps TAB/LF/CR to a space and passes NUL through, which then is unknown).
 */
public final class SentencePieceModel {
  private static final float UNK_PENALTY = 10.0f;

  /** Per-thread scratch arrays above this many elements are not kept after a call. */
  private static final int KEEP_SCRATCH_LIMIT = 1 << 20;

  private final ModelProto proto;
  private final TrainerSpec.ModelType modelType;
  private final String[] pieces;
  private final float[] scores;
  private final PieceType[] types;
  private final boolean[] unused;
  private final boolean[] userDefined;
  private final Map<String, Integer> pieceIds;
  private final ByteTrie trie;
  private final int unkId;
  private final int bosId;
  private final int eosId;
  private final int padId;
  private final float minScore;
  private final float maxScore;
  private final boolean byteFallback;
  private final int[] byteIds = new int[256];
  private final String unkSurface;
  private final boolean removeExtraWhitespaces;
  private final boolean addDummyPrefix;
  private final boolean treatWhitespaceAsSuffix;
  private final Normalizer normalizer;
  private final Normalizer denormalizer;
  private final BpeEncoder bpe; // null unless model_type = BPE
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  private SentencePieceModel(ModelProto proto) {
    this.proto = proto;
    TrainerSpec ts = proto.trainerSpec();
    this.modelType = ts.modelType();
    if (modelType != TrainerSpec.ModelType.UNIGRAM && modelType != TrainerSpec.ModelType.BPE) {
      throw new IllegalArgumentException(
          "unsupported SentencePiece model_type " + modelType + " (UNIGRAM and BPE are supported)");
    }
    if (proto.normalizerSpec() == null) {
      throw new IllegalArgumentException(
          "SentencePiece model has no normalizer_spec (truncated or not a .model file?)");
    }
    List<ModelProto.Piece> ps = proto.pieces();
    int n = ps.size();
    if (n == 0) {
      throw new IllegalArgumentException("SentencePiece model has no pieces (not a .model file?)");
    }
    this.byteFallback = ts.byteFallback();
    pieces = new String[n];
    scores = new float[n];
    types = new PieceType[n];
    unused = new boolean[n];
    userDefined = new boolean[n];
    pieceIds = new HashMap<>(n * 2);
    Arrays.fill(byteIds, -1);
    List<byte[]> trieKeys = new ArrayList<>();
    List<Integer> trieVals = new ArrayList<>();
    List<byte[]> userSymbols = new ArrayList<>();
    int unk = -1;
    float mn = Float.MAX_VALUE;
    float mx = Float.MIN_NORMAL; // SentencePiece starts from FLT_MIN (the smallest positive float)
    for (int i = 0; i < n; i++) {
      ModelProto.Piece p = ps.get(i);
      if (p.utf8().length == 0) {
        throw new IllegalArgumentException("piece #" + i + " is empty");
      }
      pieces[i] = p.piece();
      scores[i] = p.score();
      types[i] = p.type();
      if (pieceIds.putIfAbsent(p.piece(), i) != null) {
        throw new IllegalArgumentException(
            "piece \"" + p.piece() + "\" (#" + i + ") is already defined");
      }
      switch (p.type()) {
        case NORMAL, USER_DEFINED, UNUSED -> {
          trieKeys.add(p.utf8());
          trieVals.add(i);
        }
        default -> {}
      }
      if (p.type() == PieceType.USER_DEFINED) {
        userDefined[i] = true;
        userSymbols.add(p.utf8());
      }
      if (p.type() == PieceType.UNUSED) {
        unused[i] = true;
      }
      if (p.type() == PieceType.UNKNOWN) {
        if (unk >= 0) {
          throw new IllegalArgumentException(
              "unk is already defined (pieces #" + unk + " and #" + i + ")");
        }
        unk = i;
      }
      if (p.type() == PieceType.BYTE) {
        if (!byteFallback) {
          throw new IllegalArgumentException(
              "byte piece " + p.piece() + " is found although byte_fallback is false");
        }
        int b = pieceToByte(p.piece());
        if (b < 0) {
          throw new IllegalArgumentException("byte piece " + p.piece() + " is invalid");
        }
        byteIds[b] = i;
      }
      if (p.type() == PieceType.NORMAL) {
        mn = Math.min(mn, p.score());
        mx = Math.max(mx, p.score());
      }
    }
    if (unk < 0) {
      throw new IllegalArgumentException("unk is not defined (no UNKNOWN piece)");
    }
    this.unkId = unk;
    this.minScore = mn;
    this.maxScore = mx;
    byte[][] keys = trieKeys.toArray(new byte[0][]);
    int[] vals = trieVals.stream().mapToInt(Integer::intValue).toArray();
    this.trie = ByteTrie.build(keys, vals);
    this.bosId = controlIdOrMinus1(ts.bosPiece());
    this.eosId = controlIdOrMinus1(ts.eosPiece());
    this.padId = controlIdOrMinus1(ts.padPiece());
    this.unkSurface = ts.unkSurface();
    NormalizerSpec ns = proto.normalizerSpec();
    this.removeExtraWhitespaces = ns.removeExtraWhitespaces();
    this.addDummyPrefix = ns.addDummyPrefix();
    this.treatWhitespaceAsSuffix = ts.treatWhitespaceAsSuffix();
    this.normalizer = new Normalizer(ns, treatWhitespaceAsSuffix, userSymbols);
    NormalizerSpec ds = proto.denormalizerSpec();
    this.denormalizer =
        ds != null && ds.precompiledCharsmapNoCopy().length > 0
            ? new Normalizer(ds, false, List.of())
            : null;
    this.bpe = modelType == TrainerSpec.ModelType.BPE ? new BpeEncoder(this) : null;
  }

  private int controlIdOrMinus1(String piece) {
    Integer id = pieceIds.get(piece);
    return id != null && types[id] == PieceType.CONTROL ? id : -1;
  }

  static int pieceToByte(String piece) {
    if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
      String hex = piece.substring(3, 5);
      if (hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
        return Integer.parseInt(hex, 16);
      }
    }
    return -1;
  }

  static String byteToPiece(int b) {
    return String.format("<0x%02X>", b & 0xFF);
  }

  // ------------------------------------------------------------------ loading

  /** Loads a {@code .model} file. Corrupt or truncated files raise an IOException saying why. */
  public static SentencePieceModel load(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return fromBytes(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a valid SentencePiece model: " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a serialized ModelProto; corrupt input raises IllegalArgumentException saying why. */
  public static SentencePieceModel fromBytes(byte[] modelProto) {
    return new SentencePieceModel(ModelProto.parse(modelProto));
  }

  public static SentencePieceModel fromProto(ModelProto proto) {
    return new SentencePieceModel(proto);
  }

  /**
   * The ModelProto serialized again (byte-identical to the loaded file for SentencePiece files).
   */
  public byte[] toBytes() {
    return proto.toBytes();
  }

  public ModelProto proto() {
    return proto;
  }

  // ------------------------------------------------------------------ vocabulary

  public int size() {
    return pieces.length;
  }

  public String idToPiece(int id) {
    checkId(id);
    return pieces[id];
  }

  /** The id of a piece; the unknown id when absent. */
  public int pieceToId(String piece) {
    Integer id = pieceIds.get(piece);
    return id == null ? unkId : id;
  }

  public float score(int id) {
    checkId(id);
    return scores[id];
  }

  public PieceType type(int id) {
    checkId(id);
    return types[id];
  }

  public boolean isControl(int id) {
    checkId(id);
    return types[id] == PieceType.CONTROL;
  }

  public boolean isUnknown(int id) {
    checkId(id);
    return types[id] == PieceType.UNKNOWN;
  }

  private void checkId(int id) {
    if (id < 0 || id >= pieces.length) {
      throw new IllegalArgumentException(
          "piece id " + id + " out of range [0, " + pieces.length + ")");
    }
  }

  public int unkId() {
    return unkId;
  }

  public int padId() {
    return padId;
  }

  public int bosId() {
    return bosId;
  }

  public int eosId() {
    return eosId;
  }

  public Normalizer normalizer() {
    return normalizer;
  }

  // ------------------------------------------------------------------ encoding

  /** Per-thread scratch. */
  static final class Scratch {
    byte[] in = new byte[256];
    final ByteBuf norm = new ByteBuf(256);
    float[] score = new float[256];
    int[] start = new int[256];
    int[] node = new int[256];
    // result pieces: [segStart, segEnd) in norm (segStart < 0: byte piece), id
    int[] segStart = new int[64];
    int[] segEnd = new int[64];
    int[] segId = new int[64];
    int count;

    void ensureIn(int n) {
      if (in.length < n) {
        in = new byte[Math.max(n, in.length * 2)];
      }
    }

    void ensureLattice(int n) {
      if (score.length < n) {
        int c = Math.max(n, score.length * 2);
        score = new float[c];
        start = new int[c];
        node = new int[c];
      }
    }

    void ensureSeg(int n) {
      if (segStart.length < n) {
        int c = Math.max(n, segStart.length * 2);
        segStart = Arrays.copyOf(segStart, c);
        segEnd = Arrays.copyOf(segEnd, c);
        segId = Arrays.copyOf(segId, c);
      }
    }

    void add(int s, int e, int id) {
      if (count == segStart.length) {
        ensureSeg(count + 1);
      }
      segStart[count] = s;
      segEnd[count] = e;
      segId[count] = id;
      count++;
    }

    void trim() {
      if (in.length > KEEP_SCRATCH_LIMIT) {
        in = new byte[256];
      }
      if (norm.a.length > KEEP_SCRATCH_LIMIT) {
        norm.a = new byte[256];
      }
      if (score.length > KEEP_SCRATCH_LIMIT) {
        score = new float[256];
        start = new int[256];
        node = new int[256];
      }
      if (segStart.length > KEEP_SCRATCH_LIMIT) {
        segStart = new int[64];
        segEnd = new int[64];
        segId = new int[64];
      }
    }
  }

  /** Exactly {@code spm_encode --output_format=id}. */
  public int[] encodeAsIds(String text) {
    Scratch s = scratch.get();
    try {
      encodeString(text, s);
      return Arrays.copyOf(s.segId, s.count);
    } finally {
      s.trim();
    }
  }

  /** Exactly {@code spm_encode --output_format=piece}. */
  public List<String> encodeAsPieces(String text) {
    Scratch s = scratch.get();
    try {
      encodeString(text, s);
      return piecesOf(s);
    } finally {
      s.trim();
    }
  }

  /** Encodes raw UTF-8 bytes (invalid sequences handled as SentencePiece does) to ids. */
  public int[] encodeUtf8AsIds(byte[] utf8, int off, int len) {
    Scratch s = scratch.get();
    try {
      encodeBytes(utf8, off, off + len, s);
      return Arrays.copyOf(s.segId, s.count);
    } finally {
      s.trim();
    }
  }

  /** Encodes raw UTF-8 bytes (invalid sequences handled as SentencePiece does) to pieces. */
  public List<String> encodeUtf8AsPieces(byte[] utf8, int off, int len) {
    Scratch s = scratch.get();
    try {
      encodeBytes(utf8, off, off + len, s);
      return piecesOf(s);
    } finally {
      s.trim();
    }
  }

  /**
   * Number of pieces the text encodes to, without materializing them (for benchmarks/statistics).
   */
  public int countPieces(String text) {
    Scratch s = scratch.get();
    try {
      encodeString(text, s);
      return s.count;
    } finally {
      s.trim();
    }
  }

  private List<String> piecesOf(Scratch s) {
    List<String> out = new ArrayList<>(s.count);
    byte[] norm = s.norm.a;
    for (int i = 0; i < s.count; i++) {
      int id = s.segId[i];
      int st = s.segStart[i];
      if (st < 0) {
        out.add(pieces[id]); // byte piece
      } else if (id == unkId) {
        out.add(new String(norm, st, s.segEnd[i] - st, StandardCharsets.UTF_8));
      } else {
        out.add(pieces[id]);
      }
    }
    return out;
  }

  private void encodeString(String text, Scratch s) {
    s.ensureIn(Utf8.maxEncodedLength(text));
    int n = Utf8.encode(text, s.in);
    encodeBytes(s.in, 0, n, s);
  }

  private void encodeBytes(byte[] in, int from, int to, Scratch s) {
    s.count = 0;
    normalizer.normalize(in, from, to, s.norm);
    int m = s.norm.n;
    if (m == 0) {
      return;
    }
    if (bpe != null) {
      bpe.encode(s.norm.a, m, s);
    } else {
      viterbi(s.norm.a, m, s);
    }
    populate(s);
  }

  /**
   * Unigram Viterbi (SentencePiece's EncodeOptimized); leaves raw nodes in seg* (forward order).
   */
  private void viterbi(byte[] norm, int m, Scratch s) {
    s.ensureLattice(m + 1);
    final float[] best = s.score;
    final int[] start = s.start;
    final int[] node = s.node;
    Arrays.fill(start, 0, m + 1, -1);
    best[0] = 0f;
    final ByteTrie t = trie;
    final float unkScore = minScore - UNK_PENALTY;
    final float[] sc = scores;
    final boolean[] ud = userDefined;
    final boolean[] un = unused;
    final float maxSc = maxScore;
    int pos = 0;
    while (pos < m) {
      final float tillHere = best[pos];
      final int mblen = Math.min(Utf8.oneCharLen(norm[pos]), m - pos);
      boolean hasSingle = false;
      int nd = ByteTrie.ROOT;
      int k = pos;
      while (k < m) {
        nd = t.child(nd, norm[k]);
        k++;
        if (nd < 0) {
          break;
        }
        int id = t.value(nd);
        if (id < 0 || un[id]) {
          continue;
        }
        int length = k - pos;
        // The C++ expression mixes float and double: (length * max_score_ - 0.1) is a double,
        // so the candidate is computed in double and stored as float.
        double score = ud[id] ? (double) ((float) length * maxSc) - 0.1 : (double) sc[id];
        double cand = score + (double) tillHere;
        if (start[k] == -1 || cand > best[k]) {
          best[k] = (float) cand;
          start[k] = pos;
          node[k] = id;
        }
        if (length == mblen) {
          hasSingle = true;
        }
      }
      if (!hasSingle) {
        int e = pos + mblen;
        float cand = unkScore + tillHere;
        if (start[e] == -1 || cand > best[e]) {
          best[e] = cand;
          start[e] = pos;
          node[e] = unkId;
        }
      }
      pos += mblen;
    }
    // Backtrack into seg* (reversed, then flipped).
    s.count = 0;
    int e = m;
    while (e > 0) {
      int st = start[e];
      s.add(st, e, node[e]);
      e = st;
    }
    reverse(s);
  }

  private static void reverse(Scratch s) {
    for (int i = 0, j = s.count - 1; i < j; i++, j--) {
      int a = s.segStart[i];
      s.segStart[i] = s.segStart[j];
      s.segStart[j] = a;
      a = s.segEnd[i];
      s.segEnd[i] = s.segEnd[j];
      s.segEnd[j] = a;
      a = s.segId[i];
      s.segId[i] = s.segId[j];
      s.segId[j] = a;
    }
  }

  /** PopulateSentencePieceText: merge runs of unknown pieces, or spell them as bytes. */
  private void populate(Scratch s) {
    int n = s.count;
    boolean anyUnk = false;
    for (int i = 0; i < n; i++) {
      if (s.segId[i] == unkId) {
        anyUnk = true;
        break;
      }
    }
    if (!anyUnk) {
      return;
    }
    if (byteFallback) {
      // Expand each unknown piece into its UTF-8 bytes; needs a copy of the nodes.
      int[] st = Arrays.copyOf(s.segStart, n);
      int[] en = Arrays.copyOf(s.segEnd, n);
      int[] id = Arrays.copyOf(s.segId, n);
      s.count = 0;
      byte[] norm = s.norm.a;
      for (int i = 0; i < n; i++) {
        if (id[i] == unkId) {
          for (int k = st[i]; k < en[i]; k++) {
            int bid = byteIds[norm[k] & 0xFF];
            s.add(-1, -1, bid >= 0 ? bid : pieceToId(byteToPiece(norm[k])));
          }
        } else {
          s.add(st[i], en[i], id[i]);
        }
      }
      return;
    }
    int w = 0;
    boolean prevUnk = false;
    for (int i = 0; i < n; i++) {
      boolean isUnk = s.segId[i] == unkId;
      if (prevUnk && isUnk) {
        s.segEnd[w - 1] = s.segEnd[i];
      } else {
        s.segStart[w] = s.segStart[i];
        s.segEnd[w] = s.segEnd[i];
        s.segId[w] = s.segId[i];
        w++;
      }
      prevUnk = isUnk;
    }
    s.count = w;
  }

  // package access for the BPE encoder
  ByteTrie trie() {
    return trie;
  }

  float[] scores() {
    return scores;
  }

  boolean[] unusedFlags() {
    return unused;
  }

  boolean[] userDefinedFlags() {
    return userDefined;
  }

  // ------------------------------------------------------------------ decoding

  /** SentencePiece's DecodeIds. Ids out of range raise IllegalArgumentException. */
  public String decodeIds(int[] ids) {
    List<String> ps = new ArrayList<>(ids.length);
    for (int id : ids) {
      checkId(id);
      ps.add(pieces[id]);
    }
    return decodePieces(ps);
  }

  /** SentencePiece's DecodePieces. */
  public String decodePieces(List<String> ps) {
    ByteBuf text = new ByteBuf(64);
    ByteBuf bytes = new ByteBuf(16);
    boolean isBosWs = true;
    boolean bosWsSeen = false;
    for (String piece : ps) {
      int id = pieceToId(piece);
      if (types[id] == PieceType.BYTE) {
        bytes.put((byte) pieceToByte(piece));
        continue;
      }
      flushBytes(bytes, text);
      if (bosWsSeen || text.n > 0) {
        isBosWs = false;
      }
      bosWsSeen = false;
      String surface;
      if (types[id] == PieceType.CONTROL) {
        surface = "";
      } else if (types[id] == PieceType.UNKNOWN) {
        surface = pieces[id].equals(piece) ? unkSurface : piece;
      } else {
        String p = piece;
        if (isBosWs && !treatWhitespaceAsSuffix && (addDummyPrefix || removeExtraWhitespaces)) {
          if (p.startsWith("\u2581")) {
            p = p.substring(1);
            bosWsSeen = !removeExtraWhitespaces;
          }
        }
        surface = p.replace('\u2581', ' ');
      }
      byte[] b = surface.getBytes(StandardCharsets.UTF_8);
      text.put(b, 0, b.length);
    }
    flushBytes(bytes, text);
    if (denormalizer != null) {
      ByteBuf out = new ByteBuf(text.n + 8);
      denormalizer.normalize(text.a, 0, text.n, out);
      text = out;
    }
    return new String(text.a, 0, text.n, StandardCharsets.UTF_8);
  }

  /** Byte pieces: valid UTF-8 sequences are kept, each invalid byte becomes U+FFFD. */
  private static void flushBytes(ByteBuf bytes, ByteBuf text) {
    int off = 0;
    while (off < bytes.n) {
      int l = Utf8.validCharLen(bytes.a, off, bytes.n);
      if (l < 0) {
        text.put(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD}, 0, 3);
        off++;
      } else {
        text.put(bytes.a, off, l);
        off += l;
      }
    }
    bytes.clear();
  }
}

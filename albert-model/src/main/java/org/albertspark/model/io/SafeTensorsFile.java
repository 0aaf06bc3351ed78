package org.albertspark.model.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.albertspark.model.tensor.Slice;

/**
 * A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON, then the data buffer. Opening reads and validates the header
 * only; tensor data is read on demand with positional reads, in bounded chunks, so files of any
 * size (beyond 2 GB too) open without holding them in memory.
 *
 * <p>Validation is strict and matches the official reader: the header length must fit the file and
 * be at most {@value #MAX_HEADER_BYTES} bytes; the header must be a UTF-8 JSON object without
 * duplicate keys; every entry needs a known dtype, a shape of non-negative integers and two
 * data_offsets; shape × dtype size (overflow-checked) must equal end − begin; the tensors must tile
 * the data buffer exactly — no overlap, no hole, nothing beyond or after it; {@code __metadata__}
 * must map strings to strings. Each violation raises a {@link SafeTensorsFormatException} naming
 * the file, the tensor and the problem. Unknown fields inside a tensor entry are ignored, as the
 * official reader does.
 *
 * <p>Thread-safe for reading: reads are positional and allocate their own buffers.
 */
public final class SafeTensorsFile implements Closeable {

  /** The official reader's limit on the header length. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  /** Bytes read per chunk when streaming tensor data. */
  private static final int CHUNK_BYTES = 1 << 20;

  private static final String METADATA_KEY = "__metadata__";

  /** Duplicate top-level keys are caught by the parser loop; nested ones by the tree reader. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** Where the bytes come from: a file channel or a byte array. */
  private interface Source extends Closeable {
    long size() throws IOException;

    /** Reads into dst from absolute position pos; returns bytes read, -1 at end. */
    int read(ByteBuffer dst, long pos) throws IOException;
  }

  private final String label;
  private final Source source;
  private final long dataStart;
  private final long dataLength;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> tensors;

  private SafeTensorsFile(String label, Source source) throws IOException {
    this.label = label;
    this.source = source;
    long size = source.size();
    if (size < 8) {
      throw fail("file is " + size + " bytes, shorter than the 8-byte header length field");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(lenBuf, 0);
    long n = lenBuf.getLong(0);
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw fail(
          "header length "
              + Long.toUnsignedString(n)
              + " is absurd (limit "
              + MAX_HEADER_BYTES
              + " bytes; file size "
              + size
              + ")");
    }
    if (n > size - 8) {
      throw fail(
          "header length "
              + n
              + " reaches beyond the end of the file ("
              + size
              + " bytes, so at most "
              + (size - 8)
              + " header bytes)");
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
    readFully(headerBuf, 8);
    String header;
    try {
      header =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(headerBuf.flip())
              .toString();
    } catch (CharacterCodingException e) {
      throw fail("header is not valid UTF-8 (" + e + ")");
    }
    this.dataStart = 8 + n;
    this.dataLength = size - dataStart;
    Map<String, String> meta = new LinkedHashMap<>();
    Map<String, TensorInfo> infos = new LinkedHashMap<>();
    parseHeader(header, meta, infos);
    this.metadata = Collections.unmodifiableMap(meta);
    this.tensors = Collections.unmodifiableMap(infos);
    checkCoverage();
  }

  /** Opens a file and validates its header; tensor data is read later, on demand. */
  public static SafeTensorsFile open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new SafeTensorsFile(file.toString(), new ChannelSource(ch));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** A safetensors image held in memory. */
  public static SafeTensorsFile fromBytes(byte[] bytes) throws SafeTensorsFormatException {
    return fromBytes(bytes, "<in-memory safetensors>");
  }

  /** A safetensors image held in memory; {@code label} names it in error messages. */
  public static SafeTensorsFile fromBytes(byte[] bytes, String label)
      throws SafeTensorsFormatException {
    try {
      return new SafeTensorsFile(label, new BytesSource(bytes));
    } catch (SafeTensorsFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new SafeTensorsFormatException(label + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- header

  private void parseHeader(String header, Map<String, String> meta, Map<String, TensorInfo> infos)
      throws SafeTensorsFormatException {
    try (JsonParser p = JSON.createParser(header)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw fail(
            "header is not a JSON object (found "
                + (first == null ? "no JSON value" : first)
                + ")");
      }
      boolean sawMetadata = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        JsonNode value = p.readValueAsTree();
        if (METADATA_KEY.equals(key)) {
          if (sawMetadata) {
            throw fail("duplicate key '" + METADATA_KEY + "' in header");
          }
          sawMetadata = true;
          parseMetadata(value, meta);
        } else {
          if (infos.containsKey(key)) {
            throw fail("duplicate tensor name '" + key + "' in header");
          }
          infos.put(key, parseEntry(key, value));
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw fail("header is not a well-formed JSON object");
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw fail("header has trailing content after the JSON object: " + trailing);
      }
    } catch (SafeTensorsFormatException e) {
      throw e;
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      if (msg != null && msg.contains("Duplicate field")) {
        throw fail("duplicate key in header: " + msg, e);
      }
      throw fail("header is not valid JSON: " + msg + " (at " + e.getLocation() + ")", e);
    } catch (IOException e) {
      throw fail("header is not valid JSON: " + e.getMessage(), e);
    }
  }

  private void parseMetadata(JsonNode value, Map<String, String> meta)
      throws SafeTensorsFormatException {
    if (value.isNull()) {
      return; // the official reader takes null as "no metadata"
    }
    if (!value.isObject()) {
      throw fail(
          "'"
              + METADATA_KEY
              + "' must be an object mapping strings to strings, got "
              + value.getNodeType());
    }
    Iterator<Map.Entry<String, JsonNode>> it = value.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw fail(
            "'"
                + METADATA_KEY
                + "' value of key '"
                + e.getKey()
                + "' must be a string, got "
                + e.getValue().getNodeType());
      }
      meta.put(e.getKey(), e.getValue().textValue());
    }
  }

  private TensorInfo parseEntry(String name, JsonNode v) throws SafeTensorsFormatException {
    if (!v.isObject()) {
      throw fail(
          name,
          "entry must be an object with dtype, shape and data_offsets, got " + v.getNodeType());
    }
    JsonNode dt = v.get("dtype");
    JsonNode sh = v.get("shape");
    JsonNode off = v.get("data_offsets");
    List<String> missing = new ArrayList<>();
    if (dt == null) {
      missing.add("dtype");
    }
    if (sh == null) {
      missing.add("shape");
    }
    if (off == null) {
      missing.add("data_offsets");
    }
    if (!missing.isEmpty()) {
      throw fail(name, "entry is missing " + String.join(", ", missing));
    }
    if (!dt.isTextual()) {
      throw fail(name, "dtype must be a string, got " + dt.getNodeType());
    }
    DType dtype = DType.parse(dt.textValue());
    if (dtype == null) {
      throw fail(
          name,
          "unknown or unsupported dtype '"
              + dt.textValue()
              + "' (supported: "
              + DType.supportedList()
              + ")");
    }
    if (!sh.isArray()) {
      throw fail(name, "shape must be an array of non-negative integers, got " + sh.getNodeType());
    }
    long[] shape = new long[sh.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = nonNegativeLong(name, "shape[" + i + "]", sh.get(i));
    }
    if (!off.isArray() || off.size() != 2) {
      throw fail(
          name,
          "data_offsets must be an array [begin, end] of two non-negative integers, got " + off);
    }
    long begin = nonNegativeLong(name, "data_offsets[0]", off.get(0));
    long end = nonNegativeLong(name, "data_offsets[1]", off.get(1));
    if (begin > end) {
      throw fail(name, "data_offsets [" + begin + ", " + end + "] have begin > end");
    }
    if (end > dataLength) {
      throw fail(
          name,
          "data_offsets ["
              + begin
              + ", "
              + end
              + "] out of range: the data buffer holds "
              + dataLength
              + " bytes");
    }
    long elements = 1;
    long bytes;
    try {
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      bytes = Math.multiplyExact(elements, (long) dtype.size());
    } catch (ArithmeticException e) {
      throw fail(
          name,
          "shape " + Arrays.toString(shape) + " × " + dtype + " overflows a 64-bit byte count");
    }
    if (bytes != end - begin) {
      throw fail(
          name,
          "shape "
              + Arrays.toString(shape)
              + " × "
              + dtype
              + " ("
              + dtype.size()
              + " bytes) = "
              + bytes
              + " bytes, but data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin)
              + " bytes");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private long nonNegativeLong(String name, String what, JsonNode n)
      throws SafeTensorsFormatException {
    if (n == null || !n.isIntegralNumber()) {
      throw fail(
          name,
          what
              + " must be a non-negative integer, got "
              + (n == null ? "nothing" : n.getNodeType() + " " + n));
    }
    if (!n.canConvertToLong()) {
      throw fail(name, what + " = " + n.asText() + " is too large");
    }
    long v = n.longValue();
    if (v < 0) {
      throw fail(name, what + " = " + v + " is negative");
    }
    return v;
  }

  /** The tensors must tile [0, dataLength) exactly, as the official reader requires. */
  private void checkCoverage() throws SafeTensorsFormatException {
    List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long cursor = 0;
    TensorInfo prev = null;
    for (TensorInfo t : byOffset) {
      if (t.begin() < cursor) {
        throw fail(
            t.name(),
            "data_offsets ["
                + t.begin()
                + ", "
                + t.end()
                + ") overlap tensor '"
                + prev.name()
                + "' at ["
                + prev.begin()
                + ", "
                + prev.end()
                + ")");
      }
      if (t.begin() > cursor) {
        throw fail(
            t.name(),
            "hole in the data buffer: bytes ["
                + cursor
                + ", "
                + t.begin()
                + ") before this tensor belong to no tensor");
      }
      cursor = t.end();
      prev = t;
    }
    if (cursor != dataLength) {
      throw fail(
          "the tensors end at byte "
              + cursor
              + " of the data buffer but it holds "
              + dataLength
              + " bytes: "
              + (dataLength - cursor)
              + " trailing bytes belong to no tensor");
    }
  }

  // ---------------------------------------------------------------- accessors

  /** The {@code __metadata__} map (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Tensor names in header order. */
  public List<String> names() {
    return List.copyOf(tensors.keySet());
  }

  /** Every tensor's header entry, in header order. */
  public List<TensorInfo> infos() {
    return List.copyOf(tensors.values());
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** The header entry of {@code name}; IllegalArgumentException naming the file if absent. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(label + ": no tensor named '" + name + "'");
    }
    return t;
  }

  /** The file (or label) this was read from. */
  public String label() {
    return label;
  }

  /** Byte position of the data buffer in the file (8 + header length). */
  public long dataStart() {
    return dataStart;
  }

  // ---------------------------------------------------------------- data

  /** Tensor {@code name} as floats: F32 as is, F16/BF16 exactly, F64 rounded to nearest. */
  public float[] floats(String name) throws IOException {
    TensorInfo t = info(name);
    requireFloat(t);
    float[] out = new float[heapLength(t)];
    streamFloats(t, (from, buf, count) -> System.arraycopy(buf, 0, out, (int) from, count));
    return out;
  }

  /**
   * Reads tensor {@code name} into {@code dst}, which must have exactly as many floats. F32 data
   * goes straight from the file into the off-heap memory; other float types are converted in
   * bounded chunks. Nothing of the tensor's size is allocated on the heap.
   */
  public void readFloatsInto(String name, Slice dst) throws IOException {
    TensorInfo t = info(name);
    requireFloat(t);
    long n = t.numElements();
    if (dst.size() != n) {
      throw new IllegalArgumentException(
          label
              + ": tensor '"
              + name
              + "' has "
              + n
              + " elements, the destination holds "
              + dst.size());
    }
    if (t.dtype() == DType.F32) {
      ByteBuffer mem = dst.memory().bytes().duplicate();
      long pos = dst.offset() * Float.BYTES;
      long endPos = pos + t.byteLength();
      long filePos = dataStart + t.begin();
      while (pos < endPos) {
        int len = (int) Math.min(CHUNK_BYTES * 16L, endPos - pos);
        mem.limit((int) (pos + len)).position((int) pos);
        readFully(mem, filePos);
        pos += len;
        filePos += len;
      }
      return;
    }
    FloatBuffer out =
        dst.memory().bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    long base = dst.offset();
    streamFloats(t, (from, buf, count) -> out.put((int) (base + from), buf, 0, count));
  }

  /**
   * Tensor {@code name} as longs: I64/I32/I16/I8 sign-extended, U8/U16/U32 zero-extended, BOOL 0/1.
   */
  public long[] longs(String name) throws IOException {
    TensorInfo t = info(name);
    if (t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          label + ": tensor '" + name + "' is " + t.dtype() + ", not an integer or bool type");
    }
    long[] out = new long[heapLength(t)];
    readChunks(
        t,
        (from, buf, count) -> {
          for (int i = 0; i < count; i++) {
            int idx = (int) from + i;
            out[idx] =
                switch (t.dtype()) {
                  case I64 -> buf.getLong();
                  case U64 -> {
                    long v = buf.getLong();
                    if (v < 0) {
                      throw new SafeTensorsFormatException(
                          label
                              + ": tensor '"
                              + name
                              + "': U64 element "
                              + idx
                              + " = "
                              + Long.toUnsignedString(v)
                              + " does not fit a signed long");
                    }
                    yield v;
                  }
                  case I32 -> buf.getInt();
                  case U32 -> buf.getInt() & 0xffffffffL;
                  case I16 -> buf.getShort();
                  case U16 -> buf.getShort() & 0xffff;
                  case I8 -> buf.get();
                  case U8 -> buf.get() & 0xff;
                  case BOOL -> {
                    byte b = buf.get();
                    if (b != 0 && b != 1) {
                      throw new SafeTensorsFormatException(
                          label
                              + ": tensor '"
                              + name
                              + "': BOOL element "
                              + idx
                              + " has byte value "
                              + (b & 0xff)
                              + " (must be 0 or 1)");
                    }
                    yield b;
                  }
                  default -> throw new IllegalStateException(t.dtype().toString());
                };
          }
        });
    return out;
  }

  /** Receives a tensor's values chunk by chunk; {@code values} is reused between calls. */
  @FunctionalInterface
  interface FloatSink {
    void accept(long fromElement, float[] values, int count) throws IOException;
  }

  /** Reads float tensor {@code name} chunk by chunk (converted to float) into sink. */
  void streamFloats(String name, FloatSink sink) throws IOException {
    TensorInfo t = info(name);
    requireFloat(t);
    streamFloats(t, sink);
  }

  private void streamFloats(TensorInfo t, FloatSink sink) throws IOException {
    float[] vals = new float[chunkBytes(t) / t.dtype().size()];
    readChunks(
        t,
        (from, buf, count) -> {
          switch (t.dtype()) {
            case F32 -> buf.asFloatBuffer().get(vals, 0, count);
            case F64 -> {
              for (int i = 0; i < count; i++) {
                vals[i] = (float) buf.getDouble();
              }
            }
            case F16 -> {
              for (int i = 0; i < count; i++) {
                vals[i] = HalfFloat.f16ToFloat(buf.getShort());
              }
            }
            case BF16 -> {
              for (int i = 0; i < count; i++) {
                vals[i] = HalfFloat.bf16ToFloat(buf.getShort());
              }
            }
            default -> throw new IllegalStateException(t.dtype().toString());
          }
          sink.accept(from, vals, count);
        });
  }

  /** Receives one chunk of a tensor: {@code count} whole elements in {@code buf}, ready to read. */
  @FunctionalInterface
  private interface ChunkSink {
    void accept(long fromElement, ByteBuffer buf, int count) throws IOException;
  }

  /**
   * Reads tensor {@code t}'s bytes in chunks of whole elements (at most {@link #CHUNK_BYTES}) into
   * one reused little-endian buffer, handing each to {@code sink}.
   */
  private void readChunks(TensorInfo t, ChunkSink sink) throws IOException {
    int size = t.dtype().size();
    ByteBuffer buf = ByteBuffer.allocate(chunkBytes(t)).order(ByteOrder.LITTLE_ENDIAN);
    long filePos = dataStart + t.begin();
    long remaining = t.byteLength();
    long element = 0;
    while (remaining > 0) {
      int len = (int) Math.min(buf.capacity(), remaining);
      buf.clear().limit(len);
      readFully(buf, filePos);
      buf.flip();
      int count = len / size;
      sink.accept(element, buf, count);
      element += count;
      filePos += len;
      remaining -= len;
    }
  }

  /**
   * The chunk size for {@code t}: whole elements, at most {@link #CHUNK_BYTES}, and no more than
   * the tensor holds (a file of small tensors must not cost a megabyte per read).
   */
  private static int chunkBytes(TensorInfo t) {
    int size = t.dtype().size();
    long bytes = Math.max(size, Math.min(CHUNK_BYTES, t.byteLength()));
    return (int) (bytes - bytes % size);
  }

  private void requireFloat(TensorInfo t) {
    if (!t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          label
              + ": tensor '"
              + t.name()
              + "' is "
              + t.dtype()
              + ", not a floating-point type (F32, F16, BF16, F64)");
    }
  }

  private int heapLength(TensorInfo t) {
    long n = t.numElements();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          label
              + ": tensor '"
              + t.name()
              + "' has "
              + n
              + " elements, too many for one Java array; read it with readFloatsInto");
    }
    return (int) n;
  }

  private void readFully(ByteBuffer dst, long pos) throws IOException {
    while (dst.hasRemaining()) {
      int r = source.read(dst, pos);
      if (r < 0) {
        throw fail(
            "unexpected end of file at byte " + pos + " (was the file truncated while open?)");
      }
      pos += r;
    }
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  @Override
  public String toString() {
    return "SafeTensorsFile[" + label + ", " + tensors.size() + " tensors]";
  }

  private SafeTensorsFormatException fail(String problem) {
    return new SafeTensorsFormatException(label + ": " + problem);
  }

  private SafeTensorsFormatException fail(String problem, Throwable cause) {
    return new SafeTensorsFormatException(label + ": " + problem, cause);
  }

  private SafeTensorsFormatException fail(String tensor, String problem) {
    return new SafeTensorsFormatException(label + ": tensor '" + tensor + "': " + problem);
  }

  // ---------------------------------------------------------------- sources

  private static final class ChannelSource implements Source {
    private final FileChannel ch;

    ChannelSource(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
      return ch.read(dst, pos);
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  private static final class BytesSource implements Source {
    private final byte[] bytes;

    BytesSource(byte[] bytes) {
      this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public int read(ByteBuffer dst, long pos) {
      if (pos >= bytes.length) {
        return -1;
      }
      int len = (int) Math.min(dst.remaining(), bytes.length - pos);
      dst.put(bytes, (int) pos, len);
      return len;
    }

    @Override
    public void close() {}
  }
}

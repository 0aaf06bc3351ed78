package org.albertspark.model.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.albertspark.model.tensor.Slice;

/**
 * Collects named tensors and writes one safetensors file as the official writer does: compact JSON
 * header, {@code __metadata__} first, padded with spaces so the data buffer starts at a multiple of
 * 8; tensors ordered by element size (largest first, which keeps every tensor aligned) and then by
 * name — for a file of one dtype, plain sorted-name order, as HF's files have.
 *
 * <p>The writer keeps references to the arrays and slices it is given (no copies) and reads them
 * when writing, which streams in bounded chunks: no buffer of the file's size is ever built.
 */
public final class SafeTensorsWriter {

  private static final int CHUNK_BYTES = 1 << 20;
  private static final JsonFactory JSON = new JsonFactory();

  private final Map<String, String> metadata = new TreeMap<>();
  private final Map<String, Pending> tensors = new LinkedHashMap<>();

  private record Pending(String name, DType dtype, long[] shape, long elements, Object data) {
    long bytes() {
      return elements * dtype.size();
    }
  }

  /** Adds a {@code __metadata__} entry (e.g. "format" → "pt", as HF's save_pretrained writes). */
  public SafeTensorsWriter metadata(String key, String value) {
    metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  public SafeTensorsWriter metadata(Map<String, String> entries) {
    entries.forEach(this::metadata);
    return this;
  }

  /** An F32 tensor from a heap array. */
  public SafeTensorsWriter addFloats(String name, long[] shape, float[] data) {
    return add(name, DType.F32, shape, data.length, data);
  }

  /** An F32 tensor from off-heap memory (read when the file is written). */
  public SafeTensorsWriter addFloats(String name, long[] shape, Slice data) {
    return add(name, DType.F32, shape, data.size(), data);
  }

  /** An F32 tensor from off-heap memory, with an int shape (as {@code ParameterLayout.Entry}). */
  public SafeTensorsWriter addFloats(String name, int[] shape, Slice data) {
    return addFloats(name, Arrays.stream(shape).asLongStream().toArray(), data);
  }

  /** An I64 tensor (e.g. input_ids of an inputs file). */
  public SafeTensorsWriter addLongs(String name, long[] shape, long[] data) {
    return add(name, DType.I64, shape, data.length, data);
  }

  private SafeTensorsWriter add(String name, DType dtype, long[] shape, long count, Object data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    if (name.equals("__metadata__")) {
      throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
    }
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("tensor '" + name + "' added twice");
    }
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
      }
      elements = Math.multiplyExact(elements, d);
    }
    if (elements != count) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': shape "
              + Arrays.toString(shape)
              + " has "
              + elements
              + " elements but "
              + count
              + " values were given");
    }
    Math.multiplyExact(elements, (long) dtype.size());
    tensors.put(name, new Pending(name, dtype, shape.clone(), elements, data));
    return this;
  }

  /** Names in the order they will be written. */
  public List<String> names() {
    return ordered().stream().map(Pending::name).toList();
  }

  private List<Pending> ordered() {
    List<Pending> list = new ArrayList<>(tensors.values());
    list.sort(
        Comparator.comparingInt((Pending p) -> -p.dtype().size()).thenComparing(Pending::name));
    return list;
  }

  /** The padded header JSON bytes (without the 8-byte length). */
  private byte[] header(List<Pending> order) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart("__metadata__");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Pending p : order) {
        g.writeObjectFieldStart(p.name());
        g.writeStringField("dtype", p.dtype().name());
        g.writeArrayFieldStart("shape");
        for (long d : p.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        offset = Math.addExact(offset, p.bytes());
        g.writeNumber(offset);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    int pad = (8 - buf.size() % 8) % 8;
    for (int i = 0; i < pad; i++) {
      buf.write(' ');
    }
    return buf.toByteArray();
  }

  /** Size in bytes of the file this writer produces. */
  public long fileSize() throws IOException {
    List<Pending> order = ordered();
    long total = 8 + header(order).length;
    for (Pending p : order) {
      total = Math.addExact(total, p.bytes());
    }
    return total;
  }

  /** Writes the file to {@code out} (not closed). */
  public void write(OutputStream out) throws IOException {
    List<Pending> order = ordered();
    byte[] header = header(order);
    byte[] len = new byte[8];
    ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
    out.write(len);
    out.write(header);
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer cb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (Pending p : order) {
      if (p.data() instanceof float[] a) {
        for (int i = 0; i < a.length; ) {
          int n = Math.min(a.length - i, CHUNK_BYTES / Float.BYTES);
          cb.clear();
          cb.asFloatBuffer().put(a, i, n);
          out.write(chunk, 0, n * Float.BYTES);
          i += n;
        }
      } else if (p.data() instanceof long[] a) {
        for (int i = 0; i < a.length; ) {
          int n = Math.min(a.length - i, CHUNK_BYTES / Long.BYTES);
          cb.clear();
          cb.asLongBuffer().put(a, i, n);
          out.write(chunk, 0, n * Long.BYTES);
          i += n;
        }
      } else if (p.data() instanceof Slice s) {
        // The memory is little-endian floats already: copy its bytes.
        ByteBuffer mem = s.memory().bytes().duplicate();
        long pos = s.offset() * Float.BYTES;
        long end = pos + s.size() * Float.BYTES;
        while (pos < end) {
          int n = (int) Math.min(CHUNK_BYTES, end - pos);
          mem.limit((int) (pos + n)).position((int) pos);
          mem.get(chunk, 0, n);
          out.write(chunk, 0, n);
          pos += n;
        }
      } else {
        throw new IllegalStateException(p.data().getClass().toString());
      }
    }
    out.flush();
  }

  /**
   * Writes the file to {@code file} through a temporary sibling that is forced to disk and then
   * renamed, so {@code file} is never seen half-written.
   */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, this::write);
  }

  /** The whole file in memory (for small files and tests). */
  public byte[] toBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out);
    return out.toByteArray();
  }

  /** The header as written, without padding (for tests and diagnostics). */
  String headerJson() throws IOException {
    return new String(header(ordered()), StandardCharsets.UTF_8).stripTrailing();
  }
}

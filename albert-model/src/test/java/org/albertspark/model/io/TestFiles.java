package org.albertspark.model.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers: the shared fixtures, raw safetensors images, and an independent minimal reader. */
final class TestFiles {

  private TestFiles() {}

  /** {@code <albert.shared.dir>/fixtures/model}, or the test is skipped with a clear message. */
  static Path modelFixtures() {
    String shared = System.getProperty("albert.shared.dir");
    assumeTrue(shared != null, "system property albert.shared.dir not set: skipping fixture test");
    Path dir = Path.of(shared, "fixtures", "model");
    assumeTrue(Files.isDirectory(dir), "fixtures not found at " + dir + ": skipping fixture test");
    return dir;
  }

  static Path fixture(String name) {
    Path dir = modelFixtures().resolve(name);
    assumeTrue(Files.isDirectory(dir), "fixture " + dir + " not found: skipping");
    return dir;
  }

  /** 8-byte little-endian length, then the header bytes as given, then the data. */
  static byte[] image(long headerLength, byte[] header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] len = new byte[8];
    ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength);
    out.writeBytes(len);
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** A well-formed prefix around {@code header} JSON followed by {@code dataBytes} zero bytes. */
  static byte[] image(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return image(h.length, h, new byte[dataBytes]);
  }

  static byte[] image(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return image(h.length, h, data);
  }

  static byte[] le(short... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : values) b.putShort(v);
    return b.array();
  }

  static byte[] le(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.array();
  }

  static byte[] le(double... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) b.putDouble(v);
    return b.array();
  }

  /**
   * An independent, deliberately simple reader for the F32 tensors of a trusted file (the
   * fixtures): name -> raw float bits. Used to check the real reader and loader bit for bit.
   */
  static Map<String, int[]> rawF32(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) b.getLong(0);
    JsonNode header = new ObjectMapper().readTree(new String(all, 8, n, StandardCharsets.UTF_8));
    Map<String, int[]> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = header.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__") || !e.getValue().get("dtype").asText().equals("F32")) {
        continue;
      }
      int begin = e.getValue().get("data_offsets").get(0).asInt();
      int end = e.getValue().get("data_offsets").get(1).asInt();
      int[] bits = new int[(end - begin) / 4];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = b.getInt(8 + n + begin + 4 * i);
      }
      out.put(e.getKey(), bits);
    }
    return out;
  }

  static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }
}

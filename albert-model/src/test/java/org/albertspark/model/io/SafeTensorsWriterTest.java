package org.albertspark.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.albertspark.model.tensor.FloatMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsWriterTest {

  @Test
  void layoutMatchesTheOfficialWriter() throws IOException {
    // One F32 tensor [1,2,3] = 0..5: compact JSON, padded with spaces to a multiple of 8.
    for (String name : List.of("attn.0", "attn0", "a")) {
      byte[] out =
          new SafeTensorsWriter()
              .addFloats(name, new long[] {1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})
              .toBytes();
      String json =
          "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
      int padded = (json.length() + 7) / 8 * 8;
      ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(padded, b.getLong(0));
      assertEquals(
          json + " ".repeat(padded - json.length()),
          new String(out, 8, padded, StandardCharsets.UTF_8));
      assertEquals(8 + padded + 24, out.length);
      for (int i = 0; i < 6; i++) {
        assertEquals(i, b.getFloat(8 + padded + 4 * i));
      }
    }
    // no tensors: "{}" + 6 spaces
    byte[] empty = new SafeTensorsWriter().toBytes();
    assertEquals(16, empty.length);
    assertEquals("{}      ", new String(empty, 8, 8, StandardCharsets.UTF_8));
  }

  @Test
  void roundTripWithMetadataSortedNamesAndAlignment() throws IOException {
    FloatMemory mem = FloatMemory.zeros(10);
    for (int i = 0; i < 10; i++) {
      mem.set(i, i - 4.5f);
    }
    SafeTensorsWriter w =
        new SafeTensorsWriter()
            .metadata("format", "pt")
            .addFloats("zeta", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
            .addFloats("alpha.weight", new int[] {2, 2}, mem.slice(3, 4))
            .addLongs("ids", new long[] {3}, new long[] {7, -1, Long.MAX_VALUE})
            .addFloats("scalar", new long[] {}, new float[] {Float.NaN})
            .addFloats("b", new long[] {0}, new float[0]);
    assertEquals(List.of("ids", "alpha.weight", "b", "scalar", "zeta"), w.names());
    byte[] bytes = w.toBytes();
    assertEquals(w.fileSize(), bytes.length);
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, n % 8, "header padded to a multiple of 8");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"ids\":"), header);
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(bytes)) {
      assertEquals(w.names(), f.names());
      assertEquals(Map.of("format", "pt"), f.metadata());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.floats("zeta"));
      assertArrayEquals(new long[] {2, 3}, f.info("zeta").shape());
      assertArrayEquals(new float[] {-1.5f, -0.5f, 0.5f, 1.5f}, f.floats("alpha.weight"));
      assertArrayEquals(new long[] {7, -1, Long.MAX_VALUE}, f.longs("ids"));
      assertArrayEquals(new long[] {}, f.info("scalar").shape());
      assertTrue(Float.isNaN(f.floats("scalar")[0]));
      assertEquals(0, f.floats("b").length);
      for (String name : f.names()) {
        TensorInfo t = f.info(name);
        assertEquals(0, (f.dataStart() + t.begin()) % t.dtype().size(), name + " aligned");
      }
    }
  }

  @Test
  void writesToPathAndStreamIdentically(@TempDir Path tmp) throws IOException {
    float[] big = new float[700_000]; // spans several 1 MiB chunks
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.sin(i);
    }
    FloatMemory mem = FloatMemory.zeros(big.length);
    mem.all().copyFrom(big);
    SafeTensorsWriter w =
        new SafeTensorsWriter()
            .addFloats("heap", new long[] {700, 1000}, big)
            .addFloats("offheap", new long[] {big.length}, mem.all());
    Path file = tmp.resolve("out.safetensors");
    w.write(file);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    w.write(stream);
    assertArrayEquals(stream.toByteArray(), Files.readAllBytes(file));
    try (var files = Files.list(tmp)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      assertArrayEquals(big, f.floats("heap"));
      assertArrayEquals(big, f.floats("offheap"));
    }
  }

  @Test
  void rejectsBadInput() {
    SafeTensorsWriter w = new SafeTensorsWriter().addFloats("a", new long[] {1}, new float[] {1});
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addFloats("a", new long[] {1}, new float[] {1}))
            .getMessage()
            .contains("tensor 'a' added twice"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addFloats("c", new long[] {2, 2}, new float[] {1}))
            .getMessage()
            .contains("shape [2, 2] has 4 elements but 1 values were given"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addFloats("d", new long[] {-1}, new float[] {}))
            .getMessage()
            .contains("negative dimension"));
    assertThrows(
        IllegalArgumentException.class,
        () -> w.addFloats("__metadata__", new long[] {1}, new float[] {1}));
  }
}

package org.albertspark.model.io;

import static org.albertspark.model.io.TestFiles.image;
import static org.albertspark.model.io.TestFiles.le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
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

class SafeTensorsFileTest {

  // ------------------------------------------------------------------ malformed files

  /** Opening {@code bytes} fails with a format exception whose message contains every fragment. */
  private static SafeTensorsFormatException rejects(byte[] bytes, String... fragments) {
    SafeTensorsFormatException e =
        assertThrows(
            SafeTensorsFormatException.class,
            () -> SafeTensorsFile.fromBytes(bytes, "bad.safetensors"));
    assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
    }
    return e;
  }

  private static SafeTensorsFormatException rejects(
      String header, int dataBytes, String... fragments) {
    return rejects(image(header, dataBytes), fragments);
  }

  @Test
  void fileShorterThanEightBytes() {
    rejects(new byte[0], "0 bytes, shorter than the 8-byte header length");
    rejects(new byte[] {2, 0, 0}, "3 bytes, shorter than the 8-byte header length");
  }

  @Test
  void headerLengthBeyondFile() {
    byte[] h = "{\"a\":".getBytes(StandardCharsets.UTF_8);
    rejects(
        image(100, h, new byte[0]),
        "header length 100 reaches beyond the end of the file (13 bytes");
  }

  @Test
  void truncatedFileCutsTheHeader() throws IOException {
    byte[] good =
        new SafeTensorsWriter().addFloats("w", new long[] {4}, new float[] {1, 2, 3, 4}).toBytes();
    byte[] cut = java.util.Arrays.copyOf(good, 30);
    rejects(cut, "reaches beyond the end of the file");
  }

  @Test
  void truncatedFileCutsTheData() throws IOException {
    byte[] good =
        new SafeTensorsWriter().addFloats("w", new long[] {4}, new float[] {1, 2, 3, 4}).toBytes();
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    rejects(cut, "tensor 'w'", "data_offsets [0, 16] out of range", "holds 13 bytes");
  }

  @Test
  void hugeHeaderLength() {
    rejects(
        image(1L << 62, new byte[8], new byte[0]), "header length 4611686018427387904 is absurd");
    // 2^64 - 1 reads as a negative long: reported unsigned
    rejects(image(-1L, new byte[8], new byte[0]), "header length 18446744073709551615 is absurd");
    rejects(image(SafeTensorsFile.MAX_HEADER_BYTES + 1, new byte[8], new byte[0]), "is absurd");
  }

  @Test
  void headerNotUtf8() {
    byte[] h = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
    rejects(image(h.length, h, new byte[0]), "header is not valid UTF-8");
  }

  @Test
  void invalidJson() {
    rejects("{\"a\": {\"dtype\": \"F32\", ", 0, "header is not valid JSON");
    rejects("{}}     ", 0, "not valid JSON");
    rejects("{} x      ", 0, "not valid JSON");
  }

  @Test
  void headerNotAnObject() {
    rejects("[1, 2]  ", 0, "header is not a JSON object");
    rejects("\"text\"", 0, "header is not a JSON object");
    rejects("", 0, "header is not a JSON object (found no JSON value)");
  }

  @Test
  void unknownDtype() {
    rejects(
        "{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,2]}}",
        2,
        "tensor 'w'",
        "unknown or unsupported dtype 'Q4'",
        "supported: F64, F32");
    rejects(
        "{\"w\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        8,
        "unknown or unsupported dtype 'f32'");
  }

  @Test
  void shapeSizeMismatch() {
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}",
        12,
        "tensor 'w'",
        "shape [2, 2] × F32 (4 bytes) = 16 bytes, but data_offsets [0, 12] span 12 bytes");
  }

  @Test
  void overflowingShape() {
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,8]}}",
        8,
        "tensor 'w'",
        "overflows a 64-bit byte count");
    // elements fit a long, bytes do not
    rejects(
        "{\"w\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,8]}}",
        8,
        "overflows");
    // dimension beyond a signed 64-bit number
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[18446744073709551615],\"data_offsets\":[0,8]}}",
        8,
        "shape[0] = 18446744073709551615 is too large");
  }

  @Test
  void badEntryFields() {
    rejects("{\"w\":{\"dtype\":\"F32\"}}", 0, "tensor 'w'", "entry is missing shape, data_offsets");
    rejects("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "entry is missing dtype");
    rejects("{\"w\":5}", 0, "tensor 'w'", "entry must be an object");
    rejects(
        "{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype must be a string");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}",
        4,
        "shape must be an array");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
        4,
        "shape[0] = -1 is negative");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
        4,
        "shape[0] must be a non-negative integer");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
        8,
        "data_offsets must be an array [begin, end]");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}",
        4,
        "data_offsets[0] = -4 is negative");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}",
        4,
        "data_offsets[1] must be a non-negative integer");
  }

  @Test
  void offsetsOutOfRange() {
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[250],\"data_offsets\":[0,1000]}}",
        16,
        "tensor 'w'",
        "data_offsets [0, 1000] out of range: the data buffer holds 16 bytes");
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[9223372036854775800,9223372036854775804]}}",
        4,
        "out of range");
  }

  @Test
  void beginAfterEnd() {
    rejects(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}",
        8,
        "tensor 'w'",
        "begin > end");
  }

  @Test
  void overlappingTensors() {
    rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}",
        24,
        "tensor 'b'",
        "overlap tensor 'a' at [0, 16)");
    // the same bytes twice
    rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
        8,
        "overlap");
  }

  @Test
  void holeBetweenTensors() {
    rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
        24,
        "tensor 'b'",
        "hole in the data buffer: bytes [8, 16)");
    rejects(
        "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
        12,
        "hole in the data buffer: bytes [0, 4)");
  }

  @Test
  void trailingBytesNotCovered() {
    rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        16,
        "the tensors end at byte 8 of the data buffer but it holds 16 bytes");
    rejects("{}", 4, "4 trailing bytes belong to no tensor");
  }

  @Test
  void duplicateKeys() {
    rejects(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
        8,
        "duplicate tensor name 'a'");
    rejects("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "duplicate key '__metadata__'");
    rejects(
        "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        4,
        "duplicate key in header",
        "dtype");
  }

  @Test
  void badMetadata() {
    rejects(
        "{\"__metadata__\":{\"format\":1}}",
        0,
        "'__metadata__' value of key 'format' must be a string, got NUMBER");
    rejects(
        "{\"__metadata__\":{\"format\":{\"x\":\"y\"}}}",
        0,
        "value of key 'format' must be a string");
    rejects(
        "{\"__metadata__\":[\"pt\"]}",
        0,
        "'__metadata__' must be an object mapping strings to strings");
    rejects("{\"__metadata__\":\"pt\"}", 0, "'__metadata__' must be an object");
  }

  @Test
  void messageNamesTheFileOnDisk(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("broken.safetensors");
    Files.write(f, image("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
    SafeTensorsFormatException e =
        assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ": tensor 'w': unknown"), e.getMessage());
  }

  // ------------------------------------------------------------------ valid files

  @Test
  void emptyFileAndNullMetadata() throws IOException {
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image("{}      ", 0))) {
      assertTrue(f.names().isEmpty());
      assertTrue(f.metadata().isEmpty());
    }
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image("{\"__metadata__\":null}", 0))) {
      assertTrue(f.metadata().isEmpty());
    }
  }

  @Test
  void scalarsZeroSizeTensorsAndFileOrder() throws IOException {
    byte[] data = le(2.5f, 7f);
    String header =
        "{\"__metadata__\":{\"format\":\"pt\",\"k\":\"v\"},"
            + "\"z\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
            + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8],\"ignored_extra\":true}}";
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, data))) {
      assertEquals(List.of("z", "empty", "a"), f.names());
      assertEquals(Map.of("format", "pt", "k", "v"), f.metadata());
      assertArrayEquals(new float[] {2.5f}, f.floats("z"));
      assertEquals(0, f.floats("empty").length);
      assertArrayEquals(new float[] {7f}, f.floats("a"));
      assertEquals(new TensorInfo("empty", DType.F32, new long[] {0, 3}, 4, 4), f.info("empty"));
      assertTrue(f.contains("a"));
      assertFalse(f.contains("b"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.info("b"));
      assertTrue(e.getMessage().contains("no tensor named 'b'"));
    }
  }

  @Test
  void f16KnownValues() throws IOException {
    short[] in = {
      0x0000,
      (short) 0x8000,
      0x3c00,
      (short) 0xc000,
      0x7bff,
      0x0400,
      0x0001,
      0x03ff,
      (short) 0x8001,
      0x7c00,
      (short) 0xfc00,
      0x3555,
      0x7e00,
      0x7c01
    };
    float[] want = {
      0f,
      -0f,
      1f,
      -2f,
      65504f,
      0x1p-14f,
      0x1p-24f,
      1023 * 0x1p-24f,
      -0x1p-24f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      0.333251953125f
    };
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":["
            + in.length
            + "],\"data_offsets\":[0,"
            + 2 * in.length
            + "]}}";
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, le(in)))) {
      float[] got = f.floats("h");
      for (int i = 0; i < want.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i);
      }
      assertTrue(Float.isNaN(got[12]));
      assertTrue(Float.isNaN(got[13]), "signalling NaN stays NaN, not infinity");
    }
  }

  @Test
  void f16AllBitPatternsMatchTheDefinition() {
    for (int bits = 0; bits < 65536; bits++) {
      float got = HalfFloat.f16ToFloat((short) bits);
      int sign = bits >>> 15, exp = (bits >>> 10) & 31, mant = bits & 1023;
      double want;
      if (exp == 31) {
        want = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
      } else if (exp == 0) {
        want = mant * Math.pow(2, -24);
      } else {
        want = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
      }
      if (sign == 1) {
        want = -want;
      }
      if (Double.isNaN(want)) {
        assertTrue(Float.isNaN(got), "bits " + Integer.toHexString(bits));
      } else {
        assertEquals(
            Double.doubleToRawLongBits(want),
            Double.doubleToRawLongBits(got),
            "bits " + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void bf16KnownValues() throws IOException {
    short[] in = {
      0x3f80,
      (short) 0xc000,
      0x7f80,
      (short) 0xff80,
      0x0001,
      0x0080,
      0x7f7f,
      0x3eab,
      (short) 0x8000,
      0x7fc0
    };
    float[] want = {
      1f,
      -2f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      0x1p-133f,
      0x1p-126f,
      3.3895314e38f,
      0.333984375f,
      -0f
    };
    String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2,5],\"data_offsets\":[0,20]}}";
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, le(in)))) {
      float[] got = f.floats("b");
      for (int i = 0; i < want.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i);
      }
      assertTrue(Float.isNaN(got[9]));
    }
  }

  @Test
  void f64RoundsToNearestFloat() throws IOException {
    double[] in = {0.1, -1e-50, 1e300, Math.PI, Double.NaN};
    String header = "{\"d\":{\"dtype\":\"F64\",\"shape\":[5],\"data_offsets\":[0,40]}}";
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, le(in)))) {
      float[] got = f.floats("d");
      assertArrayEquals(
          new float[] {0.1f, -0f, Float.POSITIVE_INFINITY, (float) Math.PI, Float.NaN}, got);
    }
  }

  @Test
  void integerTypesToLongs() throws IOException {
    ByteBuffer d =
        ByteBuffer.allocate(8 * 2 + 4 * 2 + 2 * 2 + 2 + 2 + 2 + 2 * 2 + 4 + 8)
            .order(ByteOrder.LITTLE_ENDIAN);
    d.putLong(Long.MIN_VALUE).putLong(42); // I64 [0,16)
    d.putInt(-7).putInt(Integer.MAX_VALUE); // I32 [16,24)
    d.putShort((short) -300).putShort((short) 300); // I16 [24,28)
    d.put((byte) -5).put((byte) 5); // I8  [28,30)
    d.put((byte) 0xff).put((byte) 1); // U8  [30,32)
    d.put((byte) 1).put((byte) 0); // BOOL [32,34)
    d.putShort((short) 0xffff).putShort((short) 1); // U16 [34,38)
    d.putInt(0xffffffff); // U32 [38,42)
    d.putLong(12345); // U64 [42,50)
    String header =
        "{"
            + "\"i64\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
            + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[16,24]},"
            + "\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[24,28]},"
            + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[28,30]},"
            + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[30,32]},"
            + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[32,34]},"
            + "\"u16\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[34,38]},"
            + "\"u32\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[38,42]},"
            + "\"u64\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[42,50]}}";
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, d.array()))) {
      assertArrayEquals(new long[] {Long.MIN_VALUE, 42}, f.longs("i64"));
      assertArrayEquals(new long[] {-7, Integer.MAX_VALUE}, f.longs("i32"));
      assertArrayEquals(new long[] {-300, 300}, f.longs("i16"));
      assertArrayEquals(new long[] {-5, 5}, f.longs("i8"));
      assertArrayEquals(new long[] {255, 1}, f.longs("u8"));
      assertArrayEquals(new long[] {1, 0}, f.longs("b"));
      assertArrayEquals(new long[] {65535, 1}, f.longs("u16"));
      assertArrayEquals(new long[] {4294967295L}, f.longs("u32"));
      assertArrayEquals(new long[] {12345}, f.longs("u64"));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.floats("i64"));
      assertTrue(
          e.getMessage().contains("tensor 'i64' is I64, not a floating-point type"),
          e.getMessage());
    }
  }

  @Test
  void boolBytesOtherThanZeroOrOneAreRejected() throws IOException {
    String header = "{\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, new byte[] {1, 2}))) {
      SafeTensorsFormatException e =
          assertThrows(SafeTensorsFormatException.class, () -> f.longs("b"));
      assertTrue(e.getMessage().contains("BOOL element 1 has byte value 2"), e.getMessage());
    }
  }

  @Test
  void readFloatsIntoOffHeapF32AndConvertedInChunks() throws IOException {
    int n = 5_000_000; // F32: more than one 16 MiB direct read; F16: several 1 MiB chunks
    float[] f32 = new float[n];
    short[] f16 = new short[n];
    for (int i = 0; i < n; i++) {
      f32[i] = i * 0.25f - 3;
      f16[i] = (short) (i % 0x7c00); // finite positive halves
    }
    byte[] data = new byte[n * 4 + n * 2];
    ByteBuffer d = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : f32) d.putFloat(v);
    for (short v : f16) d.putShort(v);
    String header =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":["
            + n
            + "],\"data_offsets\":[0,"
            + 4L * n
            + "]},"
            + "\"h\":{\"dtype\":\"F16\",\"shape\":["
            + n
            + "],\"data_offsets\":["
            + 4L * n
            + ","
            + 6L * n
            + "]}}";
    FloatMemory mem = FloatMemory.zeros(2L * n + 3);
    try (SafeTensorsFile f = SafeTensorsFile.fromBytes(image(header, data))) {
      f.readFloatsInto("a", mem.slice(3, n));
      f.readFloatsInto("h", mem.slice(3 + n, n));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> f.readFloatsInto("a", mem.slice(0, 10)));
      assertTrue(
          e.getMessage().contains("tensor 'a' has 5000000 elements, the destination holds 10"),
          e.getMessage());
    }
    assertEquals(0f, mem.get(0));
    assertEquals(0f, mem.get(2));
    for (int i = 0; i < n; i += 997) {
      assertEquals(f32[i], mem.get(3 + i), "F32 element " + i);
      assertEquals(HalfFloat.f16ToFloat(f16[i]), mem.get(3 + n + i), "F16 element " + i);
    }
    assertEquals(f32[n - 1], mem.get(2 + n));
    assertEquals(HalfFloat.f16ToFloat(f16[n - 1]), mem.get(2 + 2L * n));
  }

  @Test
  void fileBeyondTwoGigabytes(@TempDir Path tmp) throws IOException {
    // A sparse file: a 2.2 GB U8 tensor of zeros, then an F32 tensor past the 2 GB mark.
    long big = 2_200_000_000L;
    String header =
        "{\"big\":{\"dtype\":\"U8\",\"shape\":["
            + big
            + "],\"data_offsets\":[0,"
            + big
            + "]},"
            + "\"tail\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":["
            + big
            + ","
            + (big + 16)
            + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    Path file = tmp.resolve("big.safetensors");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write(image(h.length, h, new byte[0]));
      raf.setLength(8 + h.length + big + 16);
      raf.seek(8 + h.length + big);
      raf.write(le(1.5f, -2f, 3.25f, 1e-3f));
    }
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      assertEquals(
          new TensorInfo("tail", DType.F32, new long[] {4}, big, big + 16), f.info("tail"));
      assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 1e-3f}, f.floats("tail"));
      FloatMemory mem = FloatMemory.zeros(4);
      f.readFloatsInto("tail", mem.all());
      assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 1e-3f}, mem.all().toArray());
      // never an allocation sized by the tensor: too big for an array is an error, not an OOM
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.longs("big"));
      assertTrue(
          e.getMessage().contains("2200000000 elements, too many for one Java array"),
          e.getMessage());
    }
  }

  // ------------------------------------------------------------------ fixtures

  @Test
  void readsEveryFixtureFileBitForBit() throws IOException {
    Path root = TestFiles.modelFixtures();
    int files = 0;
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        try (var entries = Files.list(dir)) {
          for (Path p :
              entries.filter(x -> x.toString().endsWith(".safetensors")).sorted().toList()) {
            Map<String, int[]> want = TestFiles.rawF32(p);
            try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
              for (String name : f.names()) {
                TensorInfo t = f.info(name);
                if (t.dtype() == DType.F32) {
                  assertArrayEquals(want.get(name), TestFiles.bits(f.floats(name)), p + " " + name);
                } else {
                  assertEquals(t.numElements(), f.longs(name).length, p + " " + name);
                }
              }
              assertEquals(
                  want.keySet(),
                  f.names().stream()
                      .filter(n -> f.info(n).dtype() == DType.F32)
                      .collect(java.util.stream.Collectors.toSet()),
                  p.toString());
            }
            files++;
          }
        }
      }
    }
    assertTrue(files >= 20, "expected the fixtures' safetensors files, read " + files);
  }

  @Test
  void readsFixtureInputsAsLongs() throws IOException {
    Path p = TestFiles.fixture("tiny").resolve("inputs.safetensors");
    byte[] all = Files.readAllBytes(p);
    try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
      TensorInfo ids = f.info("input_ids");
      assertEquals(DType.I64, ids.dtype());
      assertArrayEquals(new long[] {2, 16}, ids.shape());
      long[] got = f.longs("input_ids");
      ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < got.length; i++) {
        assertEquals(b.getLong((int) (f.dataStart() + ids.begin() + 8L * i)), got[i]);
      }
      assertEquals(2L, got[0], "sequences start with [CLS] = 2");
    }
  }
}

package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt charsmap tries are refused when the model is loaded, never looped over. */
class PrecompiledCharsMapTest {

  /** A Darts-clone unit: {@code label} and a child offset (below 2^21). */
  private static int unit(int label, int offset) {
    return offset << 10 | label;
  }

  private static int leafUnit(int label, int offset) {
    return unit(label, offset) | 1 << 8;
  }

  /** {@code uint32 trie size}, the units, then the replacement strings. */
  private static byte[] blob(int[] units, byte[] strings) {
    ByteBuffer b =
        ByteBuffer.allocate(4 + 4 * units.length + strings.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(4 * units.length);
    for (int u : units) {
      b.putInt(u);
    }
    b.put(strings);
    return b.array();
  }

  /** Units that match no label (a value unit), as Darts-clone leaves unused ones. */
  private static int[] units(int n) {
    int[] units = new int[n];
    java.util.Arrays.fill(units, 0x80000000);
    return units;
  }

  /** The root's children sit at 1 ^ c; 'a' (0x61) is unit 0x60. */
  private static int[] rootWithA(int aUnit) {
    int[] units = units(256);
    units[0] = unit(0, 1);
    units[1 ^ 'a'] = aUnit;
    return units;
  }

  @Test
  void aValidOneRuleTrieMaps() {
    // 'a' -> "b": node 0x60's base is 0x60 ^ 0x70 = 0x10; its leaf (label 0) holds value 0.
    int[] units = rootWithA(leafUnit('a', 0x70));
    units[0x10] = 0x80000000; // value 0: strings[0..] = "b\0"
    PrecompiledCharsMap m = PrecompiledCharsMap.decode(blob(units, new byte[] {'b', 0}));
    long match = m.longestMatch(new byte[] {'a', 'a'}, 0, 2);
    assertEquals(1, (int) match);
    assertEquals(0, (int) (match >>> 32));
  }

  /** Node 'a' leads back to the root's base: "aaaa…" would be walked to its end from every byte. */
  @Test
  void aCycleIsRefusedAtLoad() {
    int[] units = rootWithA(unit('a', 0x60 ^ 1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PrecompiledCharsMap.decode(blob(units, new byte[] {'b', 0})));
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void aSelfLoopIsRefusedAtLoad() {
    int[] units = rootWithA(unit('a', 0x60 ^ (0x60 ^ 'a'))); // node 'a' is its own child 'a'
    assertThrows(
        IllegalArgumentException.class,
        () -> PrecompiledCharsMap.decode(blob(units, new byte[] {'b', 0})));
  }

  @Test
  void anOverlongKeyIsRefusedAtLoad() {
    // a chain of 'a' nodes, each with its own base
    int depth = PrecompiledCharsMap.MAX_KEY_BYTES + 1;
    int[] units = units(2 * depth + 1024);
    units[0] = unit(0, 1);
    int node = 1 ^ 'a';
    for (int k = 0; k < depth; k++) {
      int nextBase = 0x200 + 2 * k; // even bases: base ^ 'a' is odd and unused elsewhere
      units[node] = unit('a', node ^ nextBase);
      node = nextBase ^ 'a';
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PrecompiledCharsMap.decode(blob(units, new byte[] {'b', 0})));
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
  }

  @Test
  void anOverlongReplacementIsRefusedAtLoad() {
    int[] units = rootWithA(leafUnit('a', 0x70));
    units[0x10] = 0x80000000;
    byte[] strings = new byte[PrecompiledCharsMap.MAX_REPLACEMENT_BYTES + 2];
    java.util.Arrays.fill(strings, 0, strings.length - 1, (byte) 'b');
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PrecompiledCharsMap.decode(blob(units, strings)));
    assertTrue(e.getMessage().contains("longer than"), e.getMessage());
  }

  /** The same through a .model file: a clear IOException naming the file, at load. */
  @Test
  void aModelWithACyclicCharsmapFailsToLoad(@TempDir Path dir) throws IOException {
    ModelProto base = Fixtures.model("unigram-2000").proto();
    NormalizerSpec bad =
        base.normalizerSpec().toBuilder()
            .precompiledCharsmap(blob(rootWithA(unit('a', 0x60 ^ 1)), new byte[] {'b', 0}))
            .build();
    Path file = dir.resolve("cyclic.model");
    Files.write(file, base.toBuilder().normalizerSpec(bad).build().toBytes());
    IOException e = assertThrows(IOException.class, () -> SentencePieceModel.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("precompiled_charsmap is broken"), e.getMessage());
  }
}

package org.albertspark.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
  record Flags(int maxSeqLength, boolean dynamicMasking) {}

  @Test
  void roundTripsThroughJsonWithEveryPart() throws Exception {
    Provenance p =
        Provenance.builder("albert prep")
            .command(List.of("--input", "in.txt", "--max-seq-length", "64"))
            .input("in.txt", null, 120)
            .input("v.model", "ab12", 7)
            .flags(new Flags(64, true))
            .environment("spark_version", "4.0.1")
            .build();
    String json = p.toJson();
    Provenance back =
        Provenance.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    assertEquals(p, back);
    assertEquals("albert prep", back.tool());
    assertEquals(64, back.flags().get("maxSeqLength"));
    assertEquals("ab12", back.inputs().get(1).sha256());
    assertNull(back.inputs().get(0).sha256());
    assertFalse(json.contains("\"sha256\" : null"), "unhashed inputs omit the key: " + json);
    assertEquals(System.getProperty("java.version"), back.environment().get("java_version"));
    assertEquals("dev", back.version(), "outside a jar");
  }

  @Test
  void aLocalInputFileIsHashedAndSized(@TempDir Path tmp) throws Exception {
    Path f = Files.writeString(tmp.resolve("in.txt"), "abc");
    Provenance.Input in = Provenance.builder("t").inputFile(f).build().inputs().get(0);
    assertEquals(f.toString(), in.path());
    // sha256("abc"), FIPS 180-2 test vector
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", in.sha256());
    assertEquals(3, in.bytes());
  }

  @Test
  void readsRecordsWithKeysItDoesNotKnow() throws Exception {
    Provenance p =
        Provenance.fromJson(
            "{\"tool\":\"albert init\",\"command\":[],\"version\":\"0.2.0\",\"created_at\":\"t\","
                + "\"inputs\":[],\"flags\":{},\"environment\":{},\"added_later\":1}");
    assertEquals("0.2.0", p.version());
    assertEquals("t", p.createdAt());
  }
}

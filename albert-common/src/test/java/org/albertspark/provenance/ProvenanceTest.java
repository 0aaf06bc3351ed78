package org.albertspark.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

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
  void readsRecordsWithKeysItDoesNotKnow() throws Exception {
    Provenance p =
        Provenance.fromJson(
            "{\"tool\":\"albert init\",\"command\":[],\"version\":\"0.2.0\",\"created_at\":\"t\","
                + "\"inputs\":[],\"flags\":{},\"environment\":{},\"added_later\":1}");
    assertEquals("0.2.0", p.version());
    assertEquals("t", p.createdAt());
  }
}

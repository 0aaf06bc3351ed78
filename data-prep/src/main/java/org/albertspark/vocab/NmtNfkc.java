package org.albertspark.vocab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.albertspark.tokenizer.NormalizerSpec;

/**
 * SentencePiece's {@code nmt_nfkc} normalization rule: the precompiled charsmap shipped as a
 * resource ({@code nmt_nfkc.charsmap}, extracted from a model written by {@code spm_train
 * --normalization_rule_name=nmt_nfkc}; SentencePiece, Apache-2.0 — see {@code
 * nmt_nfkc.charsmap.NOTICE}).
 */
public final class NmtNfkc {
  public static final String NAME = "nmt_nfkc";
  static final String RESOURCE = "nmt_nfkc.charsmap";

  /** SHA-256 of the blob, checked on load. */
  static final String SHA256 = "51d3684747b35ef99cd4802f37cc1ee0c6bec4d060814f774efb1066d3c167f2";

  private static volatile byte[] cached;

  private NmtNfkc() {}

  /** The precompiled charsmap blob (a copy). */
  public static byte[] charsmap() {
    byte[] b = cached;
    if (b == null) {
      try (InputStream in = NmtNfkc.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + RESOURCE + " missing from the classpath");
        }
        b = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE, e);
      }
      String sha = sha256(b);
      if (!SHA256.equals(sha)) {
        throw new IllegalStateException(RESOURCE + " is corrupt (sha256 " + sha + ")");
      }
      cached = b;
    }
    return b.clone();
  }

  /** The normalizer_spec spm_train writes for nmt_nfkc (dummy prefix, whitespace collapsing). */
  public static NormalizerSpec spec() {
    return NormalizerSpec.builder()
        .name(NAME)
        .precompiledCharsmap(charsmap())
        .addDummyPrefix(true)
        .removeExtraWhitespaces(true)
        .escapeWhitespaces(true)
        .normalizationRuleTsv("")
        .build();
  }

  static String sha256(byte[] b) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(b);
      StringBuilder sb = new StringBuilder();
      for (byte x : d) sb.append(String.format("%02x", x));
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

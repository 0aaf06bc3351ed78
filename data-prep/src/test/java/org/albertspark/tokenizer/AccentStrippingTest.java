package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link AlbertTokenizer#stripAccents}: HF's NFKD-then-drop-marks, in linear time. */
class AccentStrippingTest {

  /** The definition: one JDK NFKD over the whole text, then every mark dropped. */
  private static String reference(String s) {
    String d = Normalizer.normalize(s, Normalizer.Form.NFKD);
    StringBuilder sb = new StringBuilder();
    d.codePoints()
        .filter(cp -> !AlbertTokenizer.Combining.isCombining(cp))
        .forEach(sb::appendCodePoint);
    return sb.toString();
  }

  /**
   * Characters whose NFKD reorders, expands, or starts with a mark, plus surrogates and plain text.
   */
  private static final String[] POOL = {
    "a",
    "Z",
    " ",
    "\u00e9",
    "\u00c5",
    "\u0301",
    "\u0316",
    "\u0344",
    "\u0345",
    "\u05b0",
    "\u05c2",
    "\u0f73",
    "\u0f75",
    "\u0f81",
    "\u3099",
    "\u309a",
    "\uac00",
    "\ud4db",
    "\ufdfa",
    "\ufb01",
    "\u2460",
    "\u1e9b",
    "\u0130",
    "\uff76",
    "\u1100",
    "\u1161",
    "\ud800",
    "\udc00",
    "\ud83d\ude00",
    new String(Character.toChars(0x1D15E)),
    new String(Character.toChars(0x1D160)),
    "\u00bd",
    "\u2126",
    "\u0958",
    "\u093c",
    "\u1dc0",
    "\u20d2",
    "\ufe20"
  };

  @Test
  void sameAsOneWholeTextNfkdOnRandomText() {
    SplittableRandom r = new SplittableRandom(12);
    for (int trial = 0; trial < 3000; trial++) {
      // up to ~3 NFKD pieces, so piece boundaries fall everywhere, including inside runs of marks
      int len = r.nextInt(3 * AlbertTokenizer.NFKD_CHUNK + 8);
      StringBuilder sb = new StringBuilder();
      boolean marksOnly = r.nextInt(3) == 0;
      while (sb.length() < len) {
        String c = POOL[r.nextInt(POOL.length)];
        if (marksOnly && r.nextInt(8) != 0) {
          c = r.nextBoolean() ? "\u0301" : "\u0316";
        }
        sb.append(c);
      }
      String s = sb.toString();
      assertEquals(reference(s), AlbertTokenizer.stripAccents(s), () -> "input " + escape(s));
    }
  }

  @Test
  void ordinaryAccentedText() {
    for (String s :
        List.of(
            "Crème brûlée à la française",
            "Ångström, naïve café, São Paulo, Łódź, İstanbul",
            "ﬁnance ½ ① Ω 한국어 ｶﾀｶﾅ",
            "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇")) {
      assertEquals(reference(s), AlbertTokenizer.stripAccents(s), s);
    }
    assertEquals("Creme brulee", AlbertTokenizer.stripAccents("Crème brûlée"));
  }

  /** A hang guard, not a benchmark: the JDK's whole-text NFKD takes minutes on this. */
  @Test
  void longRunsOfCombiningMarksTakeLinearTime() {
    String run = "\u0301\u0316".repeat(200_000);
    String tibetan = "\u0f73".repeat(100_000); // class 0, but decomposes to two marks
    AlbertTokenizer t = new AlbertTokenizer(Fixtures.model("albert-30k"));
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertEquals("a", AlbertTokenizer.stripAccents("a" + run));
          assertEquals("xy", AlbertTokenizer.stripAccents("x" + tibetan + "y"));
          assertEquals("a eb", t.preprocess("A" + run + " \u00e9" + run.substring(1) + "b"));
        });
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
    return sb.toString();
  }
}

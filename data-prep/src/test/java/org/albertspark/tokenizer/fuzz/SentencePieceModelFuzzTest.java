package org.albertspark.tokenizer.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.albertspark.testing.FuzzBudget;
import org.albertspark.tokenizer.SentencePieceModel;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes as a {@code .model} file: an IllegalArgumentException with a message, or a model that
 * encodes hostile text the same twice, within a budget proportional to the file and the text.
 */
class SentencePieceModelFuzzTest {

  /** Accents, a compatibility ligature, digits, NUL, a lone surrogate, a run of marks, CJK. */
  private static final String TEXT =
      "Hello wörld ﬁnance 1,234 \u0000\uD800 a"
          + "\u0301\u0316".repeat(500)
          + " 日本語 \uD83D\uDE00 <unk> [MASK]";

  @FuzzTest(maxDuration = "5m")
  @Timeout(20)
  void modelFile(byte[] data) {
    String first = outcome(data);
    FuzzBudget budget = new FuzzBudget(); // the second run: classes loaded, caches warm
    assertEquals(first, outcome(data));
    budget.check(data.length + 4L * TEXT.length(), 200, 16 << 20, 5000);
  }

  private static String outcome(byte[] data) {
    SentencePieceModel m;
    try {
      m = SentencePieceModel.fromBytes(data);
    } catch (IllegalArgumentException e) {
      assertNotNull(e.getMessage(), e.toString());
      return e.getMessage();
    }
    int[] ids = m.encodeAsIds(TEXT);
    return m.size() + " " + Arrays.toString(ids) + " " + m.encodeAsPieces(TEXT) + m.decodeIds(ids);
  }
}

package org.albertspark.tokenizer.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.testing.FuzzBudget;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.EncodedInput;
import org.albertspark.tokenizer.SentencePieceModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The ALBERT tokenizer (with the bundled example's vocabulary and its NFKC charsmap) on hostile
 * text: huge runs of one code point or of two alternating ones (combining marks), lone surrogates,
 * controls, any plane. The input is a small program of such runs, so a few bytes make hundreds of
 * thousands of characters. Tokenizing and encoding never fail, give the same result twice, and cost
 * time and memory in proportion to the text.
 */
class TokenizerFuzzTest {
  private static final int MAX_CHARS = 200_000;
  private static AlbertTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    tokenizer =
        new AlbertTokenizer(
            SentencePieceModel.load(Path.of("..", "examples", "tiny-albert", "spiece.model")));
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(60)
  void hostileText(FuzzedDataProvider in) {
    String text = hostileText(in, MAX_CHARS);
    List<String> tokens = tokenizer.tokenize(text);
    EncodedInput encoded = tokenizer.encode(text, text, 512, true);
    FuzzBudget budget = new FuzzBudget(); // the second run: classes loaded, caches warm
    assertEquals(tokens, tokenizer.tokenize(text));
    assertArrayEquals(encoded.inputIds(), tokenizer.encode(text, text, 512, true).inputIds());
    budget.check(text.length(), 4000, 16 << 20, 20_000);
  }

  /** Literal strings, runs of one unit or code point, runs of two alternating code points. */
  static String hostileText(FuzzedDataProvider in, int maxChars) {
    StringBuilder sb = new StringBuilder();
    while (in.remainingBytes() > 0 && sb.length() < maxChars) {
      switch (in.consumeInt(0, 3)) {
        case 0 -> sb.append(in.consumeString(64));
        case 1 -> sb.append(String.valueOf(in.consumeChar()).repeat(in.consumeInt(1, 100_000)));
        case 2 -> {
          int cp = in.consumeInt(0, Character.MAX_CODE_POINT);
          sb.append(Character.toString(cp).repeat(in.consumeInt(1, 100_000)));
        }
        default -> {
          String two =
              Character.toString(in.consumeInt(0, Character.MAX_CODE_POINT))
                  + Character.toString(in.consumeInt(0, Character.MAX_CODE_POINT));
          sb.append(two.repeat(in.consumeInt(1, 50_000)));
        }
      }
    }
    return sb.length() > maxChars ? sb.substring(0, maxChars) : sb.toString();
  }
}

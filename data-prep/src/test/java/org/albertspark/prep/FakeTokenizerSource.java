package org.albertspark.prep;

import org.albertspark.prep.mask.VocabInfo;

/** {@link PrepTokenizer.Source} over {@link FakeVocab}. */
public final class FakeTokenizerSource implements PrepTokenizer.Source {
  private static final PrepTokenizer TOK =
      new PrepTokenizer() {
        private final VocabInfo vocab = FakeVocab.info();

        @Override
        public int[] encode(String sentence) {
          return FakeVocab.encode(sentence);
        }

        @Override
        public VocabInfo vocab() {
          return vocab;
        }
      };

  @Override
  public PrepTokenizer get() {
    return TOK;
  }

  @Override
  public String checksum() {
    return "fake";
  }
}

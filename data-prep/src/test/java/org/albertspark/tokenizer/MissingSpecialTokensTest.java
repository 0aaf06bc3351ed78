package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A vocabulary without ALBERT's special pieces: the same clear error from every entry point. */
class MissingSpecialTokensTest {

  /** unigram-2000 without the piece {@code missing} (replaced by an unused piece of that id). */
  private static AlbertTokenizer without(String missing) {
    ModelProto proto = Fixtures.model("unigram-2000").proto();
    List<ModelProto.Piece> pieces = new java.util.ArrayList<>(proto.pieces());
    int id = -1;
    for (int i = 0; i < pieces.size(); i++) {
      if (pieces.get(i).piece().equals(missing)) {
        id = i;
      }
    }
    if (id < 0) {
      throw new AssertionError("fixture has no " + missing);
    }
    ModelProto.Builder b = proto.toBuilder();
    pieces.set(
        id, ModelProto.builder().addPiece("<gone>", 0f, PieceType.CONTROL).build().pieces().get(0));
    return new AlbertTokenizer(SentencePieceModel.fromProto(b.pieces(pieces).build()));
  }

  @Test
  void encodeFailsAsClsIdDoesWhenClsIsMissing() {
    AlbertTokenizer t = without("[CLS]");
    IllegalStateException direct = assertThrows(IllegalStateException.class, t::clsId);
    IllegalStateException viaEncode =
        assertThrows(IllegalStateException.class, () -> t.encode("hello", null, 0, false));
    assertEquals(direct.getMessage(), viaEncode.getMessage());
    assertThrows(
        IllegalStateException.class, () -> t.encodeIds(new int[] {5}, new int[] {6}, 8, true));
  }

  @Test
  void paddingNeedsPadOnlyWhenItPads() {
    AlbertTokenizer t = without("<pad>");
    assertEquals(3, t.encode("a", null, 0, false).inputIds().length);
    assertThrows(IllegalStateException.class, () -> t.encode("a", null, 16, true));
  }
}

package org.albertspark.vocab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.albertspark.tokenizer.ModelProto;
import org.albertspark.tokenizer.PieceType;
import org.albertspark.tokenizer.ProtoMessage;
import org.albertspark.tokenizer.TrainerSpec;

/**
 * Writes a trained vocabulary as a standard SentencePiece {@code .model} (ModelProto): special
 * pieces at their ids with score 0 (as spm_train writes them), the learned pieces in score order,
 * the trainer_spec describing how the model was trained, and the nmt_nfkc normalizer_spec.
 */
public final class VocabModelWriter {
  /** What the trainer_spec records about the run besides the options. */
  public record RunInfo(List<String> inputs, String modelPrefix, String inputFormat) {}

  private VocabModelWriter() {}

  public static ModelProto build(TrainedVocab vocab, UnigramTrainerOptions o, RunInfo run) {
    Map<Integer, Special> meta = specials(o);
    ModelProto.Builder b = ModelProto.builder();
    int next = 0;
    List<TrainedVocab.Piece> pieces = vocab.pieces();
    if (pieces.size() + meta.size() != o.vocabSize) {
      throw new IllegalArgumentException(
          "expected " + (o.vocabSize - meta.size()) + " pieces, got " + pieces.size());
    }
    for (int id = 0; id < o.vocabSize; id++) {
      Special s = meta.get(id);
      if (s != null) {
        b.addPiece(s.piece, 0f, s.type);
      } else {
        TrainedVocab.Piece p = pieces.get(next++);
        b.addPiece(p.piece(), p.score(), PieceType.NORMAL);
      }
    }
    b.trainerSpec(trainerSpec(o, run));
    b.normalizerSpec(NmtNfkc.spec());
    return b.build();
  }

  private record Special(String piece, PieceType type) {}

  /** The special pieces by id, as spm_train's InitMetaPieces assigns them. */
  static Map<Integer, Special> specials(UnigramTrainerOptions o) {
    Map<Integer, Special> m = new TreeMap<>();
    m.put(o.unkId, new Special("<unk>", PieceType.UNKNOWN));
    if (o.bosId >= 0) {
      m.put(o.bosId, new Special("<s>", PieceType.CONTROL));
    }
    if (o.eosId >= 0) {
      m.put(o.eosId, new Special("</s>", PieceType.CONTROL));
    }
    if (o.padId >= 0) {
      m.put(o.padId, new Special("<pad>", PieceType.CONTROL));
    }
    int id = 0;
    List<Special> rest = new ArrayList<>();
    for (String s : o.controlSymbols) rest.add(new Special(s, PieceType.CONTROL));
    for (String s : o.userDefinedSymbols) rest.add(new Special(s, PieceType.USER_DEFINED));
    for (Special s : rest) {
      while (m.containsKey(id)) {
        id++;
      }
      if (id >= o.vocabSize) {
        throw new IllegalArgumentException(
            "too many special symbols for vocab size " + o.vocabSize);
      }
      m.put(id, s);
    }
    return m;
  }

  static TrainerSpec trainerSpec(UnigramTrainerOptions o, RunInfo run) {
    TrainerSpec.Builder t = TrainerSpec.builder();
    ProtoMessage.Builder r = t.raw();
    for (String in : run.inputs()) r.addString(TrainerSpec.INPUT, in);
    r.setString(TrainerSpec.MODEL_PREFIX, run.modelPrefix());
    t.modelType(TrainerSpec.ModelType.UNIGRAM);
    t.vocabSize(o.vocabSize);
    r.setInt(6, 0); // self_test_sample_size
    r.setString(TrainerSpec.INPUT_FORMAT, run.inputFormat());
    t.characterCoverage(o.characterCoverage);
    r.setInt(TrainerSpec.INPUT_SENTENCE_SIZE, 0); // every sentence is used
    r.setInt(TrainerSpec.SEED_SENTENCEPIECE_SIZE, o.seedSentencepieceSize);
    r.setFloat(TrainerSpec.SHRINKING_FACTOR, o.shrinkingFactor);
    // num_threads is left out: it would make the model bytes depend on the machine's core count
    r.setInt(TrainerSpec.NUM_SUB_ITERATIONS, o.numSubIterations);
    r.setInt(
        TrainerSpec.MAX_SENTENCE_LENGTH, Integer.MAX_VALUE); // no sentence is skipped for length
    r.setBool(TrainerSpec.SHUFFLE_INPUT_SENTENCE, false);
    t.maxSentencepieceLength(o.maxPieceLength);
    r.setBool(TrainerSpec.SPLIT_BY_UNICODE_SCRIPT, o.splitByUnicodeScript);
    r.setBool(TrainerSpec.SPLIT_BY_WHITESPACE, true);
    r.setBool(TrainerSpec.SPLIT_BY_NUMBER, o.splitByNumber);
    t.treatWhitespaceAsSuffix(false);
    t.splitDigits(o.splitDigits);
    r.setBool(TrainerSpec.ALLOW_WHITESPACE_ONLY_PIECES, false);
    t.controlSymbols(o.controlSymbols);
    t.userDefinedSymbols(o.userDefinedSymbols);
    r.setBool(TrainerSpec.VOCABULARY_OUTPUT_PIECE_SCORE, true);
    r.setBool(TrainerSpec.HARD_VOCAB_LIMIT, true);
    r.setBool(TrainerSpec.USE_ALL_VOCAB, false);
    t.byteFallback(false);
    r.setString(TrainerSpec.REQUIRED_CHARS, "");
    t.unkId(o.unkId).bosId(o.bosId).eosId(o.eosId).padId(o.padId);
    t.unkSurface(" \u2047 ").unkPiece("<unk>").bosPiece("<s>").eosPiece("</s>").padPiece("<pad>");
    r.setBool(TrainerSpec.TRAIN_EXTREMELY_LARGE_CORPUS, false);
    return t.build();
  }
}

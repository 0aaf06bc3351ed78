package org.albertspark.jobs.score;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.nn.AlbertNetwork;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.Workspace;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.tokenizer.AlbertTokenizer;

/** Tiny classification models made for tests from the bundled example config and vocabulary. */
public final class TinyClassifiers {

  /** The bundled example (tests run from jobs/). */
  public static final Path EXAMPLES = Path.of("..", "examples");

  private TinyClassifiers() {}

  /**
   * A freshly initialized classifier (4 layers, hidden 64, 128 positions) with these labels,
   * written to {@code dir}; {@code problemType} null for single-label.
   */
  public static Path write(Path dir, List<String> labels, String problemType, long seed)
      throws IOException {
    AlbertConfig config =
        AlbertConfig.read(EXAMPLES.resolve("tiny-albert.json")).forSequenceClassification(labels);
    if (problemType != null) {
      config = config.with(Map.of("problem_type", problemType));
    }
    AlbertModel model = AlbertModel.initialize(config, Head.SEQUENCE_CLASSIFICATION, seed);
    // Biases of 0 and weights of 0.02 give near-uniform probabilities; larger classifier weights
    // make the classes differ so that comparisons mean something.
    var w = model.parameters().slice("classifier.weight");
    for (long i = 0; i < w.size(); i++) {
      w.set(i, w.get(i) * 50);
    }
    ModelDirectory.save(dir, model, EXAMPLES.resolve("tiny-albert/spiece.model"));
    return dir;
  }

  /** The plain model's logits for one token sequence, unpadded, batch of one. */
  public static float[] plainLogits(AlbertModel model, int[] ids) {
    return plainLogits(model, ids, null);
  }

  /** {@link #plainLogits(AlbertModel, int[])} with token types (null: all 0). */
  public static float[] plainLogits(AlbertModel model, int[] ids, int[] types) {
    Workspace ws = Workspace.forInference(model.config(), model.head(), 1, ids.length);
    AlbertNetwork.forward(model, Batch.ofInputs(1, ids.length, ids, types, null), ws, 0L);
    return ws.headLogits().sub(0, model.config().numLabels()).toArray();
  }

  /** [CLS] ids [SEP] of a text cut to {@code maxLength} tokens, as HF encodes it. */
  public static int[] encode(AlbertTokenizer tokenizer, String text, int maxLength) {
    return tokenizer.encode(text, null, maxLength, false).inputIds();
  }

  /** One window of a text pair: input ids and token types. */
  public record PairWindow(int[] ids, int[] types) {}

  /**
   * The windows a text pair should be scored through, built from their definition: the first is
   * fine-tuning's encoding (longest-first truncation to {@code maxSeq}); the next ones keep its
   * head {@code [CLS] a' [SEP]} and go on over the second text, overlapping by min(stride, half of
   * the second text's room), until its last token is in one.
   */
  public static List<PairWindow> pairWindows(
      AlbertTokenizer tok, String a, String b, int maxSeq, int stride) {
    var first = tok.encode(a, b, maxSeq, false);
    int[] tb = tok.tokenizeToIds(b);
    int head = 0;
    while (first.tokenTypeIds()[head] == 0) {
      head++;
    }
    int room = first.inputIds().length - head - 1;
    int step = room - Math.min(stride, room / 2);
    List<PairWindow> windows = new ArrayList<>();
    for (int from = 0; ; from += step) {
      int to = Math.min(from + room, tb.length);
      int[] ids = Arrays.copyOf(first.inputIds(), head + to - from + 1);
      System.arraycopy(tb, from, ids, head, to - from);
      ids[ids.length - 1] = tok.sepId();
      int[] types = new int[ids.length];
      Arrays.fill(types, head, ids.length, 1);
      windows.add(new PairWindow(ids, types));
      if (to == tb.length) {
        return windows;
      }
    }
  }

  /** Whether scoring the pair drops part of its first text (the second is windowed). */
  public static boolean firstTextCut(AlbertTokenizer tok, String a, String b, int maxSeq) {
    int[] types = tok.encode(a, b, maxSeq, false).tokenTypeIds();
    int head = 0;
    while (types[head] == 0) {
      head++;
    }
    return head - 2 < tok.tokenizeToIds(a).length;
  }
}

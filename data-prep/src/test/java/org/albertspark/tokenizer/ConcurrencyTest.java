package org.albertspark.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One loaded model shared by many threads gives exactly the single-threaded results. */
class ConcurrencyTest {

  @Test
  void sharedModelGivesIdenticalResults() throws Exception {
    SentencePieceModel m = Fixtures.model("albert-30k");
    AlbertTokenizer tok = new AlbertTokenizer(m);
    List<String> lines = Fixtures.heldoutTexts();
    // Mix in a long line so threads grow and trim their scratch buffers while others run.
    lines = new ArrayList<>(lines);
    lines.add("word ".repeat(20_000));
    List<int[]> ids = new ArrayList<>();
    List<List<String>> pieces = new ArrayList<>();
    List<List<String>> albert = new ArrayList<>();
    for (String l : lines) {
      ids.add(m.encodeAsIds(l));
      pieces.add(m.encodeAsPieces(l));
      albert.add(tok.tokenize(l));
    }
    final List<String> in = lines;
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int seed = t;
        Callable<Integer> c =
            () -> {
              go.await();
              int checked = 0;
              for (int round = 0; round < 2; round++) {
                for (int k = 0; k < in.size(); k++) {
                  int i = (k * 7919 + seed * 104729 + round) % in.size();
                  assertArrayEquals(ids.get(i), m.encodeAsIds(in.get(i)), in.get(i));
                  assertEquals(pieces.get(i), m.encodeAsPieces(in.get(i)));
                  assertEquals(albert.get(i), tok.tokenize(in.get(i)));
                  checked++;
                }
              }
              return checked;
            };
        fs.add(pool.submit(c));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> f : fs) total += f.get();
      assertEquals(threads * 2 * in.size(), total);
    } finally {
      pool.shutdownNow();
    }
  }
}

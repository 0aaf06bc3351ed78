package org.albertspark.model.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.Slice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The typed views cover the layout exactly: every tensor once, nothing outside it. */
class ParameterViewsTest {

  private static final AlbertConfig CONFIG =
      AlbertConfig.fromJson(
          """
          {"vocab_size": 16, "embedding_size": 4, "hidden_size": 8, "num_hidden_layers": 3,
           "num_hidden_groups": 2, "inner_group_num": 2, "num_attention_heads": 2,
           "intermediate_size": 12, "max_position_embeddings": 8, "num_labels": 3}""");

  @ParameterizedTest
  @EnumSource(Head.class)
  void everyTensorOfTheLayoutIsViewedOnceWhereItsNameSays(Head head) throws Exception {
    FlatTensors t = FlatTensors.zeros(ParameterLayout.of(CONFIG, head));
    List<Slice> leaves = new ArrayList<>();
    collect(t.views(), leaves);
    Set<String> viewed = new TreeSet<>();
    for (Slice s : leaves) {
      assertSame(t.memory(), s.memory());
      viewed.add(s.offset() + "+" + s.size());
    }
    Set<String> laidOut = new TreeSet<>();
    for (ParameterLayout.Entry e : t.layout().entries()) {
      Slice s = t.slice(e.name());
      laidOut.add(s.offset() + "+" + s.size());
    }
    assertEquals(laidOut, viewed);
    // Only the tied decoder weight is viewed twice (it is the word embedding table).
    assertEquals(t.layout().entries().size() + (head == Head.PRETRAINING ? 1 : 0), leaves.size());
  }

  @ParameterizedTest
  @EnumSource(Head.class)
  void fieldsViewTheTensorsTheirNamesSay(Head head) {
    FlatTensors t = FlatTensors.zeros(ParameterLayout.of(CONFIG, head));
    ParameterViews v = t.views();
    assertEquals(t.slice(ParameterLayout.WORD_EMBEDDINGS), v.embeddings().word());
    String p = ParameterLayout.layerPrefix(1, 0);
    ParameterViews.Layer layer = v.layer(1, 0);
    assertEquals(t.slice(p + "attention.key.weight"), layer.key().weight());
    assertEquals(t.slice(p + "attention.dense.bias"), layer.attnDense().bias());
    assertEquals(t.slice(p + "full_layer_layer_norm.weight"), layer.outputNorm().weight());
    assertEquals(t.slice(p + "ffn_output.weight"), layer.ffnOutput().weight());
    if (head == Head.PRETRAINING) {
      assertEquals(v.embeddings().word(), v.pretraining().decoder().weight());
      assertEquals(t.slice(ParameterLayout.PREDICTIONS_BIAS), v.pretraining().decoder().bias());
      assertNull(v.classifier());
    } else {
      assertEquals(t.slice("classifier.weight"), v.classifier().weight());
      assertNull(v.pretraining());
    }
  }

  /** Every Slice reachable from a record through record components and lists. */
  private static void collect(Object node, List<Slice> out) throws Exception {
    if (node instanceof Slice s) {
      out.add(s);
    } else if (node instanceof List<?> list) {
      for (Object o : list) {
        collect(o, out);
      }
    } else if (node instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object child = c.getAccessor().invoke(r);
        if (child != null) {
          collect(child, out);
        }
      }
    }
  }
}

package org.albertspark.model.optim;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;

/**
 * What the three Adam-family optimizers share: first and second moments allocated once with the
 * layout, a step counter, the per-tensor decision whether weight decay applies (taken once, in the
 * constructor, never by regex in the step) and the checks on a step's arguments.
 */
abstract class AdamFamily implements Optimizer {

  protected final ParameterLayout layout;
  protected final OptimizerConfig config;

  /** Entries of the layout, indexed; iterated with an index so a step allocates no iterator. */
  protected final List<ParameterLayout.Entry> entries;

  /** decays[i]: weight decay applies to entries.get(i) (false everywhere when the rate is 0). */
  protected final boolean[] decays;

  protected final FlatTensors m;
  protected final FlatTensors v;
  protected long steps;

  /** The config's settings as the float kernels take them: b1, 1 - b1, b2, 1 - b2 and epsilon. */
  protected final float b1, c1, b2, c2, eps;

  protected AdamFamily(ParameterLayout layout, OptimizerConfig config) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.config = Objects.requireNonNull(config, "config");
    this.entries = layout.entries();
    this.decays = new boolean[entries.size()];
    for (int i = 0; i < decays.length; i++) {
      decays[i] = config.weightDecay() != 0 && !config.exclusion().excludes(entries.get(i).name());
    }
    this.m = FlatTensors.zeros(layout);
    this.v = FlatTensors.zeros(layout);
    this.b1 = (float) config.beta1();
    this.c1 = (float) (1 - config.beta1());
    this.b2 = (float) config.beta2();
    this.c2 = (float) (1 - config.beta2());
    this.eps = (float) config.epsilon();
  }

  /**
   * Tensor {@code index}'s weight decay rate as a float: the config's, or 0 where it does not
   * apply.
   */
  protected final float decayRate(int index) {
    return decays[index] ? (float) config.weightDecay() : 0f;
  }

  /** Whether weight decay applies to tensor {@code name}. */
  public boolean decays(String name) {
    return decays[indexOf(name)];
  }

  protected int indexOf(String name) {
    ParameterLayout.Entry e = layout.get(name);
    return entries.indexOf(e);
  }

  @Override
  public final void step(FlatTensors params, FlatTensors grads, double learningRate) {
    requireCompatible(params, "parameters");
    requireCompatible(grads, "gradients");
    if (!Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be finite, got " + learningRate);
    }
    steps++;
    ByteBuffer p = params.memory().bytes();
    ByteBuffer g = grads.memory().bytes();
    ByteBuffer mb = m.memory().bytes();
    ByteBuffer vb = v.memory().bytes();
    for (int i = 0; i < decays.length; i++) {
      ParameterLayout.Entry e = entries.get(i);
      int from = Math.toIntExact(e.offset() << 2);
      int to = Math.toIntExact((e.offset() + e.size()) << 2);
      update(i, p, g, mb, vb, from, to, learningRate);
    }
  }

  /**
   * Updates tensor {@code index}, whose floats occupy bytes [from, to) of every buffer (little
   * endian; byte b holds float b / 4). {@link #steps} already counts this step.
   */
  protected abstract void update(
      int index,
      ByteBuffer p,
      ByteBuffer g,
      ByteBuffer m,
      ByteBuffer v,
      int from,
      int to,
      double lr);

  private void requireCompatible(FlatTensors t, String what) {
    Objects.requireNonNull(t, what);
    ParameterLayout other = t.layout();
    if (other != layout
        && (other.totalSize() != layout.totalSize() || other.entries().size() != entries.size())) {
      throw new IllegalArgumentException(
          what
              + " do not have the optimizer's layout ("
              + other.totalSize()
              + " floats in "
              + other.entries().size()
              + " tensors, expected "
              + layout.totalSize()
              + " in "
              + entries.size()
              + ")");
    }
  }

  @Override
  public long stepCount() {
    return steps;
  }

  @Override
  public Map<String, FlatTensors> state() {
    Map<String, FlatTensors> s = new LinkedHashMap<>();
    s.put("m", m);
    s.put("v", v);
    return s;
  }

  @Override
  public void restore(Map<String, FlatTensors> state, long stepCount) {
    if (stepCount < 0) {
      throw new IllegalArgumentException("step count must be >= 0, got " + stepCount);
    }
    if (!state.keySet().equals(state().keySet())) {
      throw new IllegalArgumentException(
          name() + " state must hold " + state().keySet() + ", got " + state.keySet());
    }
    for (Map.Entry<String, FlatTensors> e : state().entrySet()) {
      FlatTensors src = state.get(e.getKey());
      if (src.layout().totalSize() != layout.totalSize()) {
        throw new IllegalArgumentException(
            "state '"
                + e.getKey()
                + "' has "
                + src.layout().totalSize()
                + " floats, expected "
                + layout.totalSize());
      }
    }
    for (Map.Entry<String, FlatTensors> e : state().entrySet()) {
      e.getValue().copyFrom(state.get(e.getKey()));
    }
    this.steps = stepCount;
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  @Override
  public OptimizerConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return name() + config;
  }
}

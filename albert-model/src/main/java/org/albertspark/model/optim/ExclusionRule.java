package org.albertspark.model.optim;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which tensors an optimizer leaves out of weight decay (and, for LAMB, of the trust ratio), by
 * name. Semantics of google-research/albert's {@code _do_use_weight_decay}: a tensor is excluded
 * when any pattern matches <em>anywhere</em> in its name ({@code re.search}, here {@link
 * java.util.regex.Matcher#find()}), so {@code "bias"} excludes {@code predictions.bias} and every
 * {@code *.bias}, and {@code "LayerNorm"} excludes both the weight and the bias of a LayerNorm.
 */
public record ExclusionRule(List<String> patterns) {

  /** ALBERT's {@code exclude_from_weight_decay=["LayerNorm", "layer_norm", "bias"]}. */
  public static final ExclusionRule ALBERT = of("LayerNorm", "layer_norm", "bias");

  /** Excludes nothing (torch.optim.AdamW: decay applies to every parameter). */
  public static final ExclusionRule NONE = of();

  public ExclusionRule {
    patterns = List.copyOf(patterns);
    for (String p : patterns) {
      Pattern.compile(p); // fail early on a malformed pattern
    }
  }

  public static ExclusionRule of(String... patterns) {
    return new ExclusionRule(List.of(patterns));
  }

  /**
   * True when some pattern is found in {@code name}. Not for per-element use: compiles patterns.
   */
  public boolean excludes(String name) {
    for (String p : patterns) {
      if (Pattern.compile(p).matcher(name).find()) {
        return true;
      }
    }
    return false;
  }
}

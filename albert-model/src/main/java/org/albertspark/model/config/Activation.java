package org.albertspark.model.config;

/** ALBERT's hidden activations by their HuggingFace names. */
public enum Activation {
  /** Exact GELU: x * Φ(x) with the error function. */
  GELU,
  /** GELU's tanh approximation (HF "gelu_new", Google's original ALBERT). */
  GELU_NEW,
  RELU;

  public static Activation parse(String hfName) {
    return switch (hfName) {
      case "gelu" -> GELU;
      case "gelu_new", "gelu_pytorch_tanh" -> GELU_NEW;
      case "relu" -> RELU;
      default ->
          throw new IllegalArgumentException(
              "hidden_act '" + hfName + "' is not supported (gelu, gelu_new, relu)");
    };
  }
}

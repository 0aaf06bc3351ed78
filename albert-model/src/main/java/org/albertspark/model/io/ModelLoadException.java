package org.albertspark.model.io;

import java.io.IOException;
import java.util.List;

/**
 * A model directory whose weights do not fit its config. The message lists every missing,
 * unexpected and mis-shaped (or mis-typed, or inconsistent) tensor by name; the lists are also
 * available separately.
 */
public class ModelLoadException extends IOException {

  private static final long serialVersionUID = 1L;

  private final List<String> missing;
  private final List<String> unexpected;
  private final List<String> problems;

  public ModelLoadException(
      String source, List<String> missing, List<String> unexpected, List<String> problems) {
    super(message(source, missing, unexpected, problems));
    this.missing = List.copyOf(missing);
    this.unexpected = List.copyOf(unexpected);
    this.problems = List.copyOf(problems);
  }

  private static String message(
      String source, List<String> missing, List<String> unexpected, List<String> problems) {
    StringBuilder sb = new StringBuilder(source).append(": the weights do not match the config:");
    if (!missing.isEmpty()) {
      sb.append("\n  missing (")
          .append(missing.size())
          .append("): ")
          .append(String.join(", ", missing));
    }
    if (!unexpected.isEmpty()) {
      sb.append("\n  unexpected (")
          .append(unexpected.size())
          .append("): ")
          .append(String.join(", ", unexpected));
    }
    if (!problems.isEmpty()) {
      sb.append("\n  mis-shaped or invalid (").append(problems.size()).append("):");
      for (String p : problems) {
        sb.append("\n    ").append(p);
      }
    }
    return sb.toString();
  }

  /** Parameters the model needs that the file lacks (HF names). */
  public List<String> missing() {
    return missing;
  }

  /** Tensors in the file that the model has no place for (file names). */
  public List<String> unexpected() {
    return unexpected;
  }

  /**
   * Mis-shaped, mis-typed or inconsistent tensors, one description each, starting with the name.
   */
  public List<String> problems() {
    return problems;
  }
}

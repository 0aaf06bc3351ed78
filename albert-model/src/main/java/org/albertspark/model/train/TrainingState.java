package org.albertspark.model.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything besides parameters and optimizer moments that a resumed run needs to continue exactly
 * where it stopped: the step, the data position, the seed every random draw derives from, the
 * non-finite skip counters, and the run's settings (checked against a resuming command's).
 *
 * @param step global steps done (updates attempted, skipped ones included)
 * @param epoch epoch of the next instance to read (0-based)
 * @param positionInEpoch instances of that epoch already consumed
 * @param seed run seed (shuffle order and dropout derive from it and the step)
 * @param skippedSteps steps skipped so far for a non-finite loss or gradient
 * @param consecutiveSkipped skipped steps in a row up to this one
 * @param settings the flags that fix the result (global batch, seed, ...), as strings
 */
public record TrainingState(
    long step,
    long epoch,
    long positionInEpoch,
    long seed,
    long skippedSteps,
    int consecutiveSkipped,
    Map<String, String> settings)
    implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public TrainingState {
    if (step < 0
        || epoch < 0
        || positionInEpoch < 0
        || skippedSteps < 0
        || consecutiveSkipped < 0) {
      throw new IllegalArgumentException(
          "training state has a negative counter: step "
              + step
              + ", epoch "
              + epoch
              + ", position "
              + positionInEpoch
              + ", skipped "
              + skippedSteps
              + ", consecutive "
              + consecutiveSkipped);
    }
    settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsString(
                  Map.of(
                      "step", step,
                      "epoch", epoch,
                      "position_in_epoch", positionInEpoch,
                      "seed", seed,
                      "skipped_steps", skippedSteps,
                      "consecutive_skipped", consecutiveSkipped,
                      "settings", new TreeMap<>(settings)))
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses {@link #toJson}'s output; IllegalArgumentException naming what is missing or wrong. */
  public static TrainingState fromJson(String json, String label) {
    com.fasterxml.jackson.databind.JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(label + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(label + ": must hold a JSON object");
    }
    for (String k :
        new String[] {
          "step", "epoch", "position_in_epoch", "seed", "skipped_steps", "consecutive_skipped"
        }) {
      if (!n.path(k).isIntegralNumber()) {
        throw new IllegalArgumentException(label + ": '" + k + "' missing or not an integer");
      }
    }
    if (!n.path("settings").isObject()) {
      throw new IllegalArgumentException(label + ": 'settings' missing or not an object");
    }
    Map<String, String> settings = new TreeMap<>();
    n.path("settings")
        .fields()
        .forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
    try {
      return new TrainingState(
          n.path("step").asLong(),
          n.path("epoch").asLong(),
          n.path("position_in_epoch").asLong(),
          n.path("seed").asLong(),
          n.path("skipped_steps").asLong(),
          n.path("consecutive_skipped").asInt(),
          settings);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(label + ": " + e.getMessage());
    }
  }
}

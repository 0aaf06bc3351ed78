package org.albertspark.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an artifact (model directory, prep output, vocabulary) came from: the tool and command that
 * made it, its inputs with their hashes, every flag, when, and by which version of this project.
 * One record for every artifact, written as JSON by Jackson and read back by {@link #read}.
 *
 * <pre>{@code
 * Provenance p = Provenance.builder("albert prep")
 *     .command(args)
 *     .input("hdfs:///corpus/a.jsonl.gz", null, 1_234_567)
 *     .input("hdfs:///vocab/30k.model", sha256, 760_000)
 *     .flags(config)           // any Jackson-serializable value: a record, a map
 *     .build();
 * }</pre>
 *
 * @param tool the command that made the artifact, e.g. {@code albert prep}
 * @param command its arguments as given (empty when made through the API)
 * @param version this project's version (the jar's Implementation-Version; "dev" outside a jar)
 * @param createdAt ISO-8601 instant
 * @param inputs what it was made from
 * @param flags every setting of the run, by the CLI's flag names
 * @param environment runtime facts worth keeping (Java version; Spark version where Spark ran)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Provenance(
    String tool,
    List<String> command,
    String version,
    String createdAt,
    List<Input> inputs,
    Map<String, Object> flags,
    Map<String, String> environment) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Provenance {
    Objects.requireNonNull(tool, "tool");
    command = List.copyOf(command);
    inputs = List.copyOf(inputs);
    flags = flags == null ? Map.of() : flags;
    environment = environment == null ? Map.of() : environment;
  }

  /**
   * One input of the run.
   *
   * @param path as given (any Hadoop file system URI)
   * @param sha256 hex digest of its bytes, or null when not hashed (e.g. a terabyte corpus)
   * @param bytes its size, or -1 when unknown
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Input(String path, String sha256, long bytes) {}

  public static Builder builder(String tool) {
    return new Builder(tool);
  }

  /** Indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize provenance", e);
    }
  }

  /** Reads what {@link #toJson()} wrote; unknown keys (from newer versions) are ignored. */
  public static Provenance read(InputStream in) throws IOException {
    return JSON.readValue(in, Provenance.class);
  }

  public static Provenance fromJson(String json) throws IOException {
    return JSON.readValue(json, Provenance.class);
  }

  /** This project's version: the jar manifest's Implementation-Version, "dev" outside a jar. */
  public static String projectVersion() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Builds a {@link Provenance}; {@code createdAt} is taken at {@link #build()}. */
  public static final class Builder {
    private final String tool;
    private List<String> command = List.of();
    private final List<Input> inputs = new ArrayList<>();
    private Map<String, Object> flags = Map.of();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(String tool) {
      this.tool = tool;
      environment.put("java_version", System.getProperty("java.version"));
    }

    public Builder command(List<String> args) {
      this.command = List.copyOf(args);
      return this;
    }

    public Builder input(String path, String sha256, long bytes) {
      inputs.add(new Input(path, sha256, bytes));
      return this;
    }

    /** Every flag: a record or map Jackson can serialize, kept as a JSON object. */
    @SuppressWarnings("unchecked")
    public Builder flags(Object flags) {
      this.flags = JSON.convertValue(flags, LinkedHashMap.class);
      return this;
    }

    public Builder environment(String key, String value) {
      environment.put(key, value);
      return this;
    }

    public Provenance build() {
      return new Provenance(
          tool,
          command,
          projectVersion(),
          Instant.now().toString(),
          inputs,
          flags,
          new LinkedHashMap<>(environment));
    }
  }
}

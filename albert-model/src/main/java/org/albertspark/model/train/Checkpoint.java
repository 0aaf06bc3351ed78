package org.albertspark.model.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.io.SafeTensorsWriter;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;

/**
 * A training checkpoint {@code step-<N>/}: a model directory (config.json, model.safetensors,
 * spiece.model, provenance) plus {@code optimizer.safetensors} (each moment as one flat F32 tensor,
 * the optimizer's name and step count in the metadata) and {@code training_state.json}. Written
 * under a hidden temporary name and renamed, so a directory named {@code step-<N>} is always
 * complete and a crash mid-write leaves the previous checkpoint as it was.
 */
public final class Checkpoint {

  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String STATE = "training_state.json";
  private static final Pattern NAME = Pattern.compile("step-(\\d+)");

  private Checkpoint() {}

  /** A loaded checkpoint; the optimizer holds the saved moments. */
  public record Loaded(Path dir, AlbertModel model, Optimizer optimizer, TrainingState state) {}

  /** {@code checkpoints/step-<state.step>}, written atomically; returns its path. */
  public static Path write(
      Path checkpoints,
      AlbertModel model,
      Path spieceModelOrNull,
      Map<String, String> provenance,
      Optimizer optimizer,
      TrainingState state)
      throws IOException {
    Files.createDirectories(checkpoints);
    Path target = checkpoints.resolve("step-" + state.step());
    Path tmp = Files.createTempDirectory(checkpoints, ".step-" + state.step() + ".tmp-");
    try {
      ModelDirectory.save(tmp, model, spieceModelOrNull, provenance);
      SafeTensorsWriter w =
          new SafeTensorsWriter()
              .metadata("optimizer", optimizer.name())
              .metadata("step_count", Long.toString(optimizer.stepCount()));
      long size = model.layout().totalSize();
      for (Map.Entry<String, FlatTensors> m : optimizer.state().entrySet()) {
        w.addFloats(m.getKey(), new long[] {size}, m.getValue().memory().all());
      }
      w.write(tmp.resolve(OPTIMIZER));
      Files.writeString(tmp.resolve(STATE), state.toJson(), StandardCharsets.UTF_8);
      if (Files.exists(target)) { // a checkpoint of the same step from an earlier attempt
        deleteTree(target);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target);
      }
      return target;
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  /** The complete checkpoints under {@code checkpoints}, newest (highest step) first. */
  public static List<Path> list(Path checkpoints) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(checkpoints)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(checkpoints)) {
      for (Path p : ds) {
        if (NAME.matcher(p.getFileName().toString()).matches()
            && Files.isRegularFile(p.resolve(STATE))) {
          out.add(p);
        }
      }
    }
    out.sort(Comparator.comparingLong(Checkpoint::stepOf).reversed());
    return out;
  }

  /** The newest complete checkpoint, if any. */
  public static Optional<Path> newest(Path checkpoints) throws IOException {
    List<Path> all = list(checkpoints);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** Deletes all but the {@code keep} newest checkpoints and any leftover temporary directory. */
  public static void prune(Path checkpoints, int keep) throws IOException {
    List<Path> all = list(checkpoints);
    for (int i = keep; i < all.size(); i++) {
      deleteTree(all.get(i));
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(checkpoints, ".step-*.tmp-*")) {
      for (Path p : ds) {
        deleteTree(p);
      }
    }
  }

  private static long stepOf(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /**
   * Loads {@code dir}: the model (pretraining head), an optimizer of the saved kind (with {@code
   * optimizerConfig}'s hyperparameters) holding the saved moments, and the state. Every
   * inconsistency is an IOException naming the file and the problem.
   */
  public static Loaded read(Path dir, OptimizerConfig optimizerConfig) throws IOException {
    Path statePath = dir.resolve(STATE);
    TrainingState state;
    try {
      state = TrainingState.fromJson(Files.readString(statePath), statePath.toString());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (stepOf(dir) != state.step()) {
      throw new IOException(
          statePath + ": step " + state.step() + " does not match the directory name " + dir);
    }
    AlbertModel model = ModelDirectory.load(dir, Head.PRETRAINING);
    Path optPath = dir.resolve(OPTIMIZER);
    try (SafeTensorsFile f = SafeTensorsFile.open(optPath)) {
      String name = f.metadata().get("optimizer");
      String count = f.metadata().get("step_count");
      if (name == null || count == null || !count.matches("\\d{1,18}")) {
        throw new IOException(optPath + ": metadata lacks 'optimizer' or a valid 'step_count'");
      }
      Optimizer opt;
      try {
        opt = Optimizer.create(name, model.layout(), optimizerConfig);
      } catch (IllegalArgumentException e) {
        throw new IOException(optPath + ": " + e.getMessage(), e);
      }
      Map<String, FlatTensors> moments = new HashMap<>();
      for (String m : opt.state().keySet()) {
        if (!f.contains(m)) {
          throw new IOException(optPath + ": moment '" + m + "' of " + name + " missing");
        }
        FlatTensors t = FlatTensors.zeros(model.layout());
        try {
          f.readFloatsInto(m, t.memory().all());
        } catch (IllegalArgumentException e) {
          throw new IOException(optPath + ": " + e.getMessage(), e);
        }
        moments.put(m, t);
      }
      if (f.names().size() != moments.size()) {
        throw new IOException(
            optPath + ": holds " + f.names() + ", expected exactly " + opt.state().keySet());
      }
      opt.restore(moments, Long.parseLong(count));
      return new Loaded(dir, model, opt, state);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}

package org.albertspark.prep.mask;

import java.io.Serializable;
import org.albertspark.prep.util.Hashing;
import org.albertspark.prep.util.Rng;

/**
 * Masks an instance with an RNG derived from (seed, epoch, instance key): a different mask each
 * epoch, the same mask for the same epoch whatever the partitioning, worker or thread. Prep's
 * static masking is this masker at epoch 0, so {@code --dynamic-masking} at epoch 0 reproduces the
 * statically masked shards of the same run.
 *
 * <p>Thread-safe and serializable (broadcast it or build one per task).
 */
public final class DynamicMasker implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Domain separator so masking streams never coincide with instance-creation streams. */
  private static final long MASK_DOMAIN = 0x4D41534B4D41534BL; // "MASKMASK"

  private final Masker masker;
  private final long seed;

  public DynamicMasker(MaskingConfig config, VocabInfo vocab, long seed) {
    this.masker = new Masker(config, vocab);
    this.seed = seed;
  }

  public Masker masker() {
    return masker;
  }

  public long seed() {
    return seed;
  }

  /** The RNG of one (epoch, instance). */
  public Rng rngFor(int epoch, long instanceKey) {
    return new Rng(Hashing.mix(MASK_DOMAIN, seed, epoch, instanceKey));
  }

  /** Masks {@code ids} (unpadded [CLS] A [SEP] B [SEP]) for one epoch. */
  public MaskedInstance mask(int[] ids, long instanceKey, int epoch) {
    return masker.mask(ids, rngFor(epoch, instanceKey));
  }

  public MaskedInstance mask(int[] ids, long instanceKey, int epoch, Masker.Stats stats) {
    return masker.mask(ids, rngFor(epoch, instanceKey), stats);
  }
}

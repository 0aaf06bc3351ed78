package org.albertspark.prep.mask;

/**
 * The result of masking one sequence.
 *
 * @param inputIds the sequence after replacement ([MASK] 80%, random 10%, unchanged 10%)
 * @param positions masked positions, ascending
 * @param labels the original ids at {@code positions}
 */
public record MaskedInstance(int[] inputIds, int[] positions, int[] labels) {}

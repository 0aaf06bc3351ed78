package org.albertspark.prep.corpus;

import java.io.Serializable;

/**
 * A byte range of one input file: documents whose first line starts in [start, end) (text format:
 * between the first blank lines at or after start and end; parquet: row groups whose midpoint lies
 * in [start, end)). Compressed files are one split.
 */
public record InputSplitSpec(String path, long start, long end, long fileLength, boolean compressed)
    implements Serializable {}

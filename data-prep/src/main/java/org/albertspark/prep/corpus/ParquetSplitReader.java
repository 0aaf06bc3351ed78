package org.albertspark.prep.corpus;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Streams the text column of the row groups of one Parquet {@link InputSplitSpec} (those whose
 * midpoint lies in the split's byte range, as Hadoop's ParquetInputFormat splits) with
 * parquet-hadoop's own reader, projected to the text column. A document's identity is its row index
 * in the file, the same as Spark's {@code _metadata.row_index}.
 *
 * <p>Why not Spark's DataFrame reader: one corrupt data page fails the whole job there. Here an I/O
 * or decoding error (page checksums are verified when the writer stored them) ends the split with
 * one UNREADABLE_FILE record for the rest of it; the rows read before the error are kept, as a
 * truncated .gz is handled by {@link SplitReader}. Memory: one row group's text column chunk.
 */
final class ParquetSplitReader implements Iterator<CorpusDocument>, Closeable {
  private final InputSplitSpec split;
  private final CorpusOptions options;
  private final Configuration conf;
  private ParquetFileReader file;
  private MessageColumnIO columnIO;
  private GroupRecordConverter converter;
  private List<BlockMetaData> rowGroups;
  private int nextRowGroup;
  private RecordReader<Group> rows;
  private long rowIndex; // file row index of the next row
  private long rowsLeft; // in the current row group
  private CorpusDocument next;
  private boolean finished;

  ParquetSplitReader(InputSplitSpec split, CorpusOptions options, Configuration conf) {
    this.split = split;
    this.options = options;
    this.conf = conf;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !finished) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public CorpusDocument next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    CorpusDocument d = next;
    next = null;
    return d;
  }

  private CorpusDocument advance() {
    try {
      if (rowGroups == null) {
        open();
      }
      while (rowsLeft == 0) {
        // readNextRowGroup() skips empty row groups too
        while (nextRowGroup < rowGroups.size() && rowGroups.get(nextRowGroup).getRowCount() == 0) {
          nextRowGroup++;
        }
        if (nextRowGroup == rowGroups.size()) {
          finish();
          return null;
        }
        rowIndex = rowGroups.get(nextRowGroup++).getRowIndexOffset();
        PageReadStore pages = file.readNextRowGroup();
        if (pages == null) {
          throw new IOException("row group at row " + rowIndex + " missing");
        }
        rowsLeft = pages.getRowCount();
        rows = columnIO.getRecordReader(pages, converter);
      }
      Group g = rows.read();
      long idx = rowIndex++;
      rowsLeft--;
      return document(g, idx);
    } catch (IOException | RuntimeException e) {
      CorpusDocument d =
          CorpusDocument.problem(
              split.path(),
              rowIndex,
              Problem.UNREADABLE_FILE,
              e.getClass().getSimpleName() + ": " + e.getMessage() + " (at row " + rowIndex + ")",
              0);
      finish();
      return d;
    }
  }

  private void open() throws IOException {
    Path p = new Path(split.path());
    ParquetReadOptions ro =
        HadoopReadOptions.builder(conf, p)
            .withRange(split.start(), split.end())
            .usePageChecksumVerification(true)
            .build();
    file = ParquetFileReader.open(HadoopInputFile.fromPath(p, conf), ro);
    MessageType schema = file.getFooter().getFileMetaData().getSchema();
    // ParquetFooterCheck has vetted the column: a top-level, non-repeated string
    MessageType projection = new MessageType(schema.getName(), schema.getType(options.textField()));
    file.setRequestedSchema(projection);
    columnIO = new ColumnIOFactory().getColumnIO(projection, schema);
    converter = new GroupRecordConverter(projection);
    rowGroups = file.getRowGroups();
    if (!rowGroups.isEmpty()) {
      rowIndex = rowGroups.get(0).getRowIndexOffset();
    }
  }

  private CorpusDocument document(Group g, long idx) {
    String source = split.path();
    if (g.getFieldRepetitionCount(0) == 0) {
      return CorpusDocument.problem(source, idx, Problem.EMPTY, "null", 0);
    }
    Binary value = g.getBinary(0, 0);
    long maxBytes = options.maxDocumentBytes();
    long bytes = value.length(); // the stored UTF-8 bytes of the value
    if (bytes > maxBytes) {
      return CorpusDocument.problem(
          source,
          idx,
          Problem.TOO_LONG,
          "value longer than --max-document-bytes " + maxBytes,
          bytes);
    }
    List<String> sentences = SentenceSplitter.split(value.toStringUsingUTF8());
    if (sentences.isEmpty()) {
      return CorpusDocument.problem(source, idx, Problem.EMPTY, null, bytes);
    }
    return CorpusDocument.ok(source, idx, sentences, bytes, false);
  }

  private void finish() {
    finished = true;
    close();
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException ignored) {
        // closing a read-only file
      }
      file = null;
    }
  }
}

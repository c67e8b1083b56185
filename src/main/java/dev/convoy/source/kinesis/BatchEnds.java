package dev.convoy.source.kinesis;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every shard read, per source batch, in the query's checkpoint:
 * {@code <checkpoint>/sources/<n>/convoy-kinesis-ends/<batch>/<shardId>}, one small JSON file each
 * ({@link ShardEnd}), written once with Spark's {@link CheckpointFiles} (write to a temporary
 * file, then rename: atomic on HDFS and on S3 through EMRFS). Tasks write, the driver reads. A replayed
 * task finds its end here and reads exactly to it.
 */
final class BatchEnds implements Serializable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchEnds.class);

  static final String FOLDER = "convoy-kinesis-ends";

  private final String root;
  private transient CheckpointFiles files;

  /**
   * @param conf the Hadoop configuration to reach the checkpoint's file system with; not kept, so this
   *             object stays small in a task (an executor passes its own, see {@link #on})
   */
  BatchEnds(String checkpointLocation, Configuration conf) {
    this.root = new Path(checkpointLocation, FOLDER).toString();
    this.files = new CheckpointFiles(new Path(root), conf);
  }

  private BatchEnds(String root) {
    this.root = root;
  }

  /** The same folder, reached with {@code conf} (on an executor, the query's configuration as broadcast). */
  BatchEnds on(Configuration conf) {
    BatchEnds ends = new BatchEnds(root);
    ends.files = new CheckpointFiles(new Path(root), conf);
    return ends;
  }

  Path path(long batch, String shardId) {
    return new Path(new Path(root, Long.toString(batch)), shardId);
  }

  Optional<ShardEnd> read(long batch, String shardId) {
    Path file = path(batch, shardId);
    try {
      return files.read(file).map(ShardEnd::parse);
    } catch (IOException e) {
      throw new UncheckedIOException("convoy-kinesis: cannot read " + file, e);
    }
  }

  /**
   * Records {@code end} unless an end for this batch and shard exists already (another attempt of the
   * task wrote it first); returns the end that stands.
   */
  ShardEnd writeOnce(long batch, ShardEnd end) {
    Path file = path(batch, end.shardId());
    Optional<ShardEnd> existing = read(batch, end.shardId());
    if (existing.isPresent()) return existing.get();
    try {
      files.write(file, end.json(), false);
      return end;
    } catch (IOException e) {
      // Lost a race with another attempt: its end stands.
      return read(batch, end.shardId()).orElseThrow(() -> new UncheckedIOException("convoy-kinesis: cannot write " + file, e));
    }
  }

  /** Deletes the ends of batches before {@code batch}; Spark keeps its own logs for as many. */
  void purgeBefore(long batch) {
    // Scala's file manager declares no exceptions; a failed purge leaves old files and is retried next batch.
    try {
      for (Path folder : files.children(new Path(root))) {
        String name = folder.getName();
        if (name.chars().allMatch(Character::isDigit) && Long.parseLong(name) < batch) files.delete(folder);
      }
    } catch (Exception e) {
      LOG.warn("convoy-kinesis: cannot purge old batch ends under {}: {}", root, e.toString());
    }
  }

  @Override
  public String toString() {
    return root;
  }
}

package dev.convoy.source.kinesis;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;

/**
 * Small text files in a query's checkpoint, through Spark's {@link CheckpointFileManager}: written to a
 * temporary file and renamed into place (atomic on HDFS, and on S3 through EMRFS), as Spark writes its
 * own logs. The source's initial offset and its batch ends both live this way.
 */
final class CheckpointFiles {

  private final CheckpointFileManager files;

  CheckpointFiles(Path folder, Configuration conf) {
    this.files = CheckpointFileManager.create(folder, conf);
  }

  /** The file's text, or empty if there is no such file. */
  Optional<String> read(Path file) throws IOException {
    try (InputStream in = files.open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Writes {@code text} whole or not at all; with {@code overwrite} false, an existing file makes it fail. */
  void write(Path file, String text, boolean overwrite) throws IOException {
    files.mkdirs(file.getParent());
    try (OutputStream out = files.createAtomic(file, overwrite)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What {@code folder} holds; nothing if it does not exist. */
  List<Path> children(Path folder) {
    if (!files.exists(folder)) return List.of();
    return Arrays.stream(files.list(folder)).map(FileStatus::getPath).toList();
  }

  /** Deletes a file or a folder with what it holds. */
  void delete(Path path) {
    files.delete(path);
  }
}

package dev.convoy.source.kinesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An idempotent sink for source tests: each micro-batch's rows go to {@code batch-<id>} in a folder,
 * replacing the file atomically, so a replayed batch overwrites itself. The union of the files is what
 * the query committed; a replay that read different records shows up as a lost or doubled record.
 */
final class BatchFiles {

  /** One row as the tests see it. */
  record Line(long batchId, String sequenceNumber, String partitionKey, String data) {}

  private BatchFiles() {}

  static VoidFunction2<Dataset<Row>, Long> writerTo(Path folder) {
    String target = folder.toString();
    return (batch, batchId) -> {
      List<String> lines = new ArrayList<>();
      for (Row r : batch.select("sequenceNumber", "partitionKey", "data").collectAsList()) {
        lines.add(r.getString(0) + "\t" + r.getString(1) + "\t" + Base64.getEncoder().encodeToString((byte[]) r.get(2)));
      }
      Path dir = Path.of(target);
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "tmp-", ".part");
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(String.format("batch-%08d", batchId)), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    };
  }

  /** Every committed row, batch by batch, in the order each batch collected them. */
  static List<Line> read(Path folder) {
    if (!Files.isDirectory(folder)) return List.of();
    try (Stream<Path> files = Files.list(folder)) {
      List<Line> out = new ArrayList<>();
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("batch-")).sorted().toList()) {
        long id = Long.parseLong(f.getFileName().toString().substring("batch-".length()));
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          String[] parts = l.split("\t", -1);
          out.add(new Line(id, parts[0], parts[1], new String(Base64.getDecoder().decode(parts[2]), StandardCharsets.UTF_8)));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> data(Path folder) {
    return read(folder).stream().map(Line::data).toList();
  }

  /** Batches written so far, empty ones included. */
  static long batchCount(Path folder) {
    if (!Files.isDirectory(folder)) return 0;
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().startsWith("batch-")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

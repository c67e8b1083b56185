package dev.convoy.sink;

import dev.convoy.events.DeadLetter;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a job's dead-letter table. A payload longer than one VARCHAR holds (65,535 bytes on
 * Redshift) is split over numbered parts, so even a 1 MiB record is kept whole; base64 is ASCII, so
 * a part's characters are its bytes. Text columns are cut to their size in bytes, never refused:
 * a dead letter is what is kept when everything else is wrong.
 */
public final class DeadLetters {

  static final int PART_BYTES = 65_000;
  static final int ERROR_BYTES = 1024;
  // Kinesis partition keys are up to 256 Unicode characters: up to 1,024 bytes of UTF-8.
  static final int PARTITION_KEY_BYTES = 1024;

  private DeadLetters() {}

  static TableSpec spec(TableName name) {
    return new TableSpec(name, List.of(
        Column.key("stream", ColumnType.varchar(128)),
        Column.key("sequence_number", ColumnType.varchar(128)),
        Column.key("payload_part", ColumnType.BIGINT),
        Column.value("payload_parts", ColumnType.BIGINT),
        Column.value("job", ColumnType.varchar(128)),
        Column.value("batch_id", ColumnType.BIGINT),
        Column.value("partition_key", ColumnType.varchar(PARTITION_KEY_BYTES)),
        Column.value("arrival_time", ColumnType.TIMESTAMP),
        Column.value("error", ColumnType.varchar(ERROR_BYTES)),
        Column.value("payload_base64", ColumnType.varchar(PART_BYTES))),
        java.util.Optional.empty(), List.of(new Identifier("arrival_time")));
  }

  /** One row per payload part, in the column order of {@link #spec}. */
  static List<Object[]> rows(long batchId, List<DeadLetter> letters) {
    List<Object[]> rows = new ArrayList<>();
    for (DeadLetter d : letters) {
      String payload = d.payloadBase64();
      int parts = Math.max(1, (payload.length() + PART_BYTES - 1) / PART_BYTES);
      String error = Values.truncateToBytes(d.error(), ERROR_BYTES);
      String partitionKey = d.partitionKey() == null ? null : Values.truncateToBytes(d.partitionKey(), PARTITION_KEY_BYTES);
      for (int part = 0; part < parts; part++) {
        String chunk = payload.substring(part * PART_BYTES, Math.min(payload.length(), (part + 1) * PART_BYTES));
        rows.add(new Object[] {d.stream(), d.sequenceNumber(), (long) part, (long) parts, d.job(), batchId, partitionKey,
            d.arrivalTime(), error, chunk});
      }
    }
    return rows;
  }
}

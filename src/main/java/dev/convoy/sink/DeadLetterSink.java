package dev.convoy.sink;

import dev.convoy.events.DeadLetter;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes dead letters to their table with the same exact, idempotent upsert, keyed by stream and
 * sequence number. A payload longer than one VARCHAR holds (65,535 bytes on Redshift) is split over
 * numbered parts, so even a 1 MiB record is kept whole.
 */
public final class DeadLetterSink implements AutoCloseable {

  public static final String TABLE = "convoy_dead_letters";
  static final int PART_CHARS = 65_000;

  private final UpsertSink sink;

  public DeadLetterSink(UpsertSink sink) {
    this.sink = sink;
  }

  public static TableSpec spec(TableName beside) {
    return new TableSpec(beside.sibling(TABLE), List.of(
        Column.key("stream", ColumnType.varchar(128)),
        Column.key("sequence_number", ColumnType.varchar(128)),
        Column.key("payload_part", ColumnType.BIGINT),
        Column.value("payload_parts", ColumnType.BIGINT),
        Column.value("job", ColumnType.varchar(128)),
        Column.value("partition_key", ColumnType.varchar(256)),
        Column.value("arrival_time", ColumnType.TIMESTAMP),
        Column.value("error", ColumnType.varchar(1024)),
        Column.value("payload_base64", ColumnType.varchar(PART_CHARS))));
  }

  public void prepare() {
    sink.prepare();
  }

  public UpsertSink.BatchResult write(long batchId, List<DeadLetter> letters) {
    List<Object[]> rows = new ArrayList<>();
    for (DeadLetter d : letters) {
      String payload = d.payloadBase64();
      int parts = Math.max(1, (payload.length() + PART_CHARS - 1) / PART_CHARS);
      String error = d.error().length() > 1024 ? d.error().substring(0, 1021) + "..." : d.error();
      for (int part = 0; part < parts; part++) {
        String chunk = payload.substring(part * PART_CHARS, Math.min(payload.length(), (part + 1) * PART_CHARS));
        rows.add(new Object[] {d.stream(), d.sequenceNumber(), (long) part, (long) parts, d.job(), d.partitionKey(),
            d.arrivalTime(), error, chunk});
      }
    }
    return sink.upsert(batchId, rows);
  }

  public SinkMetrics metrics() {
    return sink.metrics();
  }

  @Override
  public void close() {
    sink.close();
  }
}

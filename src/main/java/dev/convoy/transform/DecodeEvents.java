package dev.convoy.transform;

import dev.convoy.events.DeadLetter;
import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.DeadLetterSink;
import dev.convoy.sink.RedshiftSettings;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.sink.TableName;
import dev.convoy.sink.UpsertSink;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The decode stage: Kinesis rows (either source's schema) to event rows. A payload that does not decode
 * becomes a dead letter, written by the task itself to the dead-letter table when its partition ends:
 * the table is keyed by stream and sequence number, so a retried or replayed task rewrites the same rows.
 */
public final class DecodeEvents implements MapPartitionsFunction<Row, Row> {

  /** The decoded events every transform starts from. */
  public static final StructType EVENTS = new StructType()
      .add("event_time", DataTypes.TimestampType, false)
      .add("email_id", DataTypes.StringType, false)
      .add("campaign_id", DataTypes.StringType, false)
      .add("subscriber_id", DataTypes.StringType, false);

  // Dead letters of one batch come from many tasks; the ledger needs a distinct id per task's write.
  private static final int PARTITION_BITS = 20;

  private final String job;
  private final EventType type;
  private final WireProtocol protocol;
  private final RedshiftSettings redshift;
  private final String deadLetterTable;
  private final LongAccumulator deadLetters;

  public DecodeEvents(String job, EventType type, WireProtocol protocol, RedshiftSettings redshift, TableName beside,
                      LongAccumulator deadLetters) {
    this.job = job;
    this.type = type;
    this.protocol = protocol;
    this.redshift = redshift;
    this.deadLetterTable = beside.sql();
    this.deadLetters = deadLetters;
  }

  public Dataset<Row> apply(Dataset<Row> kinesisRows) {
    return kinesisRows.mapPartitions(this, Encoders.row(EVENTS));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    EventDecoder decoder = EventDecoder.forType(type, protocol);
    List<DeadLetter> dead = new ArrayList<>();
    return new Iterator<>() {
      private Row next;
      private boolean flushed;

      @Override
      public boolean hasNext() {
        while (next == null && input.hasNext()) {
          Row r = input.next();
          byte[] data = r.getAs("data");
          switch (decoder.decode(data)) {
            case Decoded.Valid v -> {
              Event e = v.event();
              next = RowFactory.create(new Timestamp(e.eventTimeMillis()), e.emailId(), e.campaignId(), e.subscriberId());
            }
            case Decoded.Invalid i -> {
              Timestamp arrival = r.getAs("approximateArrivalTimestamp");
              dead.add(DeadLetter.of(job, r.getAs("streamName"), r.getAs("sequenceNumber"), r.getAs("partitionKey"),
                  arrival.toInstant(), i.error(), data));
            }
          }
        }
        if (next == null && !flushed) {
          flushed = true;
          writeDeadLetters(dead);
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        Row r = next;
        next = null;
        return r;
      }
    };
  }

  private void writeDeadLetters(List<DeadLetter> dead) {
    if (dead.isEmpty()) return;
    TaskContext task = TaskContext.get();
    long batch = Long.parseLong(String.valueOf(task.getLocalProperty("streaming.sql.batchId")));
    long ledgerId = (batch << PARTITION_BITS) | task.partitionId();
    TableName table = TableName.parse("dead-letter table", deadLetterTable);
    try (DeadLetterSink sink = new DeadLetterSink(new UpsertSink(new RedshiftWarehouse(redshift, System.getenv()), job,
        DeadLetterSink.spec(table)))) {
      sink.write(ledgerId, dead);
    }
    deadLetters.add(dead.size());
  }
}

package dev.convoy.transform;

import dev.convoy.events.DeadLetter;
import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.Values;
import java.sql.Timestamp;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The decode stage: Kinesis rows (either source's schema) to event rows. A payload that does not decode,
 * or whose names would not fit the warehouse (more than {@link HourlyBuckets#DIMENSION_BYTES} bytes of
 * UTF-8), becomes a dead letter. Tasks never touch the warehouse: they hand their dead letters to the
 * driver through an accumulator, and the driver writes them in the batch's own transaction, with its
 * buckets and ledger row. A retried task adds its dead letters again; the sink keys them by stream and
 * sequence number, so they are written once.
 *
 * <p>Names lose their trailing spaces here: Redshift compares strings without them, so {@code 'a'} and
 * {@code 'a '} must be one bucket before the aggregation, not two that collide in the MERGE.
 */
public final class DecodeEvents implements MapPartitionsFunction<Row, Row> {

  /** The decoded events every transform starts from. */
  public static final StructType EVENTS = new StructType()
      .add("event_time", DataTypes.TimestampType, false)
      .add("email_id", DataTypes.StringType, false)
      .add("campaign_id", DataTypes.StringType, false)
      .add("subscriber_id", DataTypes.StringType, false);

  private final String job;
  private final EventType type;
  private final WireProtocol protocol;
  private final CollectionAccumulator<DeadLetter> deadLetters;

  public DecodeEvents(String job, EventType type, WireProtocol protocol, CollectionAccumulator<DeadLetter> deadLetters) {
    this.job = job;
    this.type = type;
    this.protocol = protocol;
    this.deadLetters = deadLetters;
  }

  public Dataset<Row> apply(Dataset<Row> kinesisRows) {
    return kinesisRows.mapPartitions(this, Encoders.row(EVENTS));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    EventDecoder decoder = EventDecoder.forType(type, protocol);
    return new Iterator<>() {
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null && input.hasNext()) {
          Row r = input.next();
          byte[] data = r.getAs("data");
          String error = switch (decoder.decode(data)) {
            case Decoded.Valid v -> {
              Event e = v.event();
              String email = Values.withoutTrailingSpaces(e.emailId());
              String campaign = Values.withoutTrailingSpaces(e.campaignId());
              String subscriber = Values.withoutTrailingSpaces(e.subscriberId());
              String tooLong = tooLong("email_id", email, tooLong("campaign_id", campaign, tooLong("subscriber_id", subscriber, null)));
              if (tooLong == null) next = RowFactory.create(new Timestamp(e.eventTimeMillis()), email, campaign, subscriber);
              yield tooLong;
            }
            case Decoded.Invalid i -> i.error();
          };
          if (error != null) {
            Timestamp arrival = r.getAs("approximateArrivalTimestamp");
            deadLetters.add(DeadLetter.of(job, r.getAs("streamName"), r.getAs("sequenceNumber"), r.getAs("partitionKey"),
                arrival.toInstant(), error, data));
          }
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

  /** The error for a name longer than a dimension column holds, or {@code otherwise}. */
  private static String tooLong(String field, String value, String otherwise) {
    int bytes = Values.utf8Bytes(value);
    if (bytes <= HourlyBuckets.DIMENSION_BYTES) return otherwise;
    return "field " + field + " is " + bytes + " bytes of UTF-8; Convoy's tables hold " + HourlyBuckets.DIMENSION_BYTES
        + " bytes per name (Redshift counts VARCHAR in bytes)";
  }
}

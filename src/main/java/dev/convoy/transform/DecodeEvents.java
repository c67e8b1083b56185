package dev.convoy.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;

import dev.convoy.events.DeadLetter;
import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.Values;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The decode stage of a configured job: Kinesis rows (either source's schema) to event rows. A payload
 * that does not decode, or whose names would not fit the warehouse (more than
 * {@link HourlyBuckets#DIMENSION_BYTES} bytes of UTF-8), becomes a dead letter through
 * {@link DecodePayloads}, the stage coded jobs use too: tasks never touch the warehouse, they hand
 * their dead letters to the driver, which writes them in the batch's own transaction. A retried task
 * adds its dead letters again; the sink keys them by stream and sequence number, so they are written once.
 *
 * <p>Names lose their trailing spaces here: Redshift compares strings without them, so {@code 'a'} and
 * {@code 'a '} must be one bucket before the aggregation, not two that collide in the MERGE.
 */
public final class DecodeEvents implements DecodePayloads.Decoder<Row> {

  /** The decoded events every transform starts from. */
  public static final StructType EVENTS = new StructType()
      .add("event_time", DataTypes.TimestampType, false)
      .add("email_id", DataTypes.StringType, false)
      .add("campaign_id", DataTypes.StringType, false)
      .add("subscriber_id", DataTypes.StringType, false);

  /**
   * What a task hands Spark: {@link #EVENTS} with the event time as microseconds, which Spark stores as
   * they are. A {@code java.sql.Timestamp} would cost a calendar conversion (and a time zone copy) per event.
   */
  private static final StructType DECODED = new StructType()
      .add("event_time", DataTypes.LongType, false)
      .add("email_id", DataTypes.StringType, false)
      .add("campaign_id", DataTypes.StringType, false)
      .add("subscriber_id", DataTypes.StringType, false);

  private final EventType type;
  private final WireProtocol protocol;
  private final DecodePayloads<Row> stage;
  /** Made on each executor when first needed: decoders are not serializable. */
  private transient EventDecoder decoder;

  public DecodeEvents(String job, EventType type, WireProtocol protocol, CollectionAccumulator<DeadLetter> deadLetters) {
    this.type = type;
    this.protocol = protocol;
    this.stage = new DecodePayloads<>(job, this, deadLetters);
  }

  public Dataset<Row> apply(Dataset<Row> kinesisRows) {
    return stage.apply(kinesisRows, Encoders.row(DECODED)).withColumn("event_time", timestamp_micros(col("event_time")));
  }

  @Override
  public Row decode(byte[] payload) {
    if (decoder == null) decoder = EventDecoder.forType(type, protocol);
    return switch (decoder.decode(payload)) {
      case Decoded.Valid v -> {
        Event e = v.event();
        String email = Values.withoutTrailingSpaces(e.emailId());
        String campaign = Values.withoutTrailingSpaces(e.campaignId());
        String subscriber = Values.withoutTrailingSpaces(e.subscriberId());
        String tooLong = tooLong("email_id", email, tooLong("campaign_id", campaign, tooLong("subscriber_id", subscriber, null)));
        if (tooLong != null) throw new IllegalArgumentException(tooLong);
        yield RowFactory.create(e.eventTimeMillis() * 1_000L, email, campaign, subscriber);
      }
      case Decoded.Invalid i -> throw new IllegalArgumentException(i.error());
    };
  }

  /** The error for a name longer than a dimension column holds, or {@code otherwise}. */
  private static String tooLong(String field, String value, String otherwise) {
    // A char is at most 3 bytes of UTF-8 (a surrogate pair, 2 chars, is 4): short names need no count.
    if (value.length() <= HourlyBuckets.DIMENSION_BYTES / 3) return otherwise;
    int bytes = Values.utf8Bytes(value);
    if (bytes <= HourlyBuckets.DIMENSION_BYTES) return otherwise;
    return "field " + field + " is " + bytes + " bytes of UTF-8; Convoy's tables hold " + HourlyBuckets.DIMENSION_BYTES
        + " bytes per name (Redshift counts VARCHAR in bytes)";
  }
}

package dev.convoy.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.convoy.errors.Causes;
import dev.convoy.events.DeadLetter;
import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.Values;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The decode stage of a configured job: Kinesis rows (either source's schema) to event rows. A payload
 * that does not decode, or whose names would not fit the warehouse (more than
 * {@link HourlyBuckets#DIMENSION_BYTES} bytes of UTF-8), becomes a dead letter, as in
 * {@link DecodePayloads} (coded jobs' stage): tasks never touch the warehouse, they hand their dead
 * letters to the driver, which writes them in the batch's own transaction. A retried task adds its
 * dead letters again; the sink keys them by stream and sequence number, so they are written once.
 *
 * <p>Unlike {@link DecodePayloads} it decodes in Spark expressions rather than over external rows, so
 * a record's origin (stream, partition key, sequence number, arrival) is read only for a dead letter:
 * Spark defers reading a column used once until its use, here a branch taken only for a refused record.
 *
 * <p>Names lose their trailing spaces here: Redshift compares strings without them, so {@code 'a'} and
 * {@code 'a '} must be one bucket before the aggregation, not two that collide in the MERGE.
 */
public final class DecodeEvents {

  /** The decoded events every transform starts from. */
  public static final StructType EVENTS = new StructType()
      .add("event_time", DataTypes.TimestampType, false)
      .add("email_id", DataTypes.StringType, false)
      .add("campaign_id", DataTypes.StringType, false)
      .add("subscriber_id", DataTypes.StringType, false);

  /**
   * What the decoder gives for each record: the event, with its time as microseconds (Spark stores them
   * as they are, where a {@code java.sql.Timestamp} costs a calendar conversion per event), and the
   * reason it was refused, or null. A refused record's event fields are placeholders it never passes on.
   */
  private static final StructType DECODED = new StructType()
      .add("event_time", DataTypes.LongType, false)
      .add("email_id", DataTypes.StringType, false)
      .add("campaign_id", DataTypes.StringType, false)
      .add("subscriber_id", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true);

  /** Names of the two functions in Spark's plans (the status page and {@code EXPLAIN} show them). */
  static final String DECODE = "convoy_decode", DEAD_LETTER = "convoy_dead_letter";

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
    // Both functions are marked nondeterministic so that no optimizer rule may copy the decoder into each
    // use of its result (decoding every payload several times) or drop the dead letters' function.
    UserDefinedFunction decode = udf(new Decode(type, protocol), DECODED).asNonNullable().asNondeterministic().withName(DECODE);
    UserDefinedFunction deadLetter = udf(new Refuse(job, deadLetters), DataTypes.BooleanType).asNondeterministic()
        .withName(DEAD_LETTER);
    Column decoded = col("decoded"), error = decoded.getField("error");
    return kinesisRows
        .select(decode.apply(col("data")).as("decoded"), col("data"), col("streamName"), col("partitionKey"),
            col("sequenceNumber"), col("approximateArrivalTimestamp"))
        .select(decoded, when(error.isNotNull(), deadLetter.apply(error, col("data"), col("streamName"), col("partitionKey"),
            col("sequenceNumber"), unix_micros(col("approximateArrivalTimestamp")))).as("refused"))
        .filter(col("refused").isNull())
        .select(timestamp_micros(decoded.getField("event_time")).as("event_time"), decoded.getField("email_id").as("email_id"),
            decoded.getField("campaign_id").as("campaign_id"), decoded.getField("subscriber_id").as("subscriber_id"));
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

  /** A payload to a {@link #DECODED} row. Spark deserializes it for each task, so an instance is one task's. */
  private static final class Decode implements UDF1<byte[], Row> {
    private final EventType type;
    private final WireProtocol protocol;
    /** Made on each executor when first needed: decoders are not serializable. */
    private transient EventDecoder decoder;

    Decode(EventType type, WireProtocol protocol) {
      this.type = type;
      this.protocol = protocol;
    }

    @Override
    public Row call(byte[] payload) {
      try {
        if (decoder == null) decoder = EventDecoder.forType(type, protocol);
        return switch (decoder.decode(payload)) {
          case Decoded.Valid v -> {
            Event e = v.event();
            String email = Values.withoutTrailingSpaces(e.emailId());
            String campaign = Values.withoutTrailingSpaces(e.campaignId());
            String subscriber = Values.withoutTrailingSpaces(e.subscriberId());
            String tooLong = tooLong("email_id", email, tooLong("campaign_id", campaign, tooLong("subscriber_id", subscriber, null)));
            yield tooLong != null ? refused(tooLong) : RowFactory.create(e.eventTimeMillis() * 1_000L, email, campaign, subscriber, null);
          }
          case Decoded.Invalid i -> refused(i.error());
        };
      } catch (RuntimeException e) {
        return refused(Causes.message(e));
      }
    }

    private static Row refused(String error) {
      return RowFactory.create(0L, "", "", "", error);
    }
  }

  /** Hands a refused record to the driver as a dead letter; false, so the record goes no further. */
  private static final class Refuse implements UDF6<String, byte[], String, String, String, Long, Boolean> {
    private final String job;
    private final CollectionAccumulator<DeadLetter> deadLetters;

    Refuse(String job, CollectionAccumulator<DeadLetter> deadLetters) {
      this.job = job;
      this.deadLetters = deadLetters;
    }

    @Override
    public Boolean call(String error, byte[] data, String stream, String partitionKey, String sequenceNumber, Long arrivalMicros) {
      Instant arrival = arrivalMicros == null ? null : DecodePayloads.arrival(arrivalMicros);
      deadLetters.add(DeadLetter.of(job, stream, sequenceNumber, partitionKey, arrival, error, data));
      return Boolean.FALSE;
    }
  }
}

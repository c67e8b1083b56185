package dev.convoy.transform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.convoy.events.DeadLetter;
import dev.convoy.events.Event;
import dev.convoy.events.EventEncoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.source.kinesis.KinesisSourceProvider;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decode and late-event stages in a real local Spark: what tasks hand over (events, dead letters
 * with where they came from, late counts) is what the records held.
 */
class DecodeEventsIT {

  private static final Instant SENT_AT = Instant.parse("2026-11-24T10:15:30.123Z");
  /** An arrival with microseconds: a dead letter keeps it to the microsecond. */
  private static final Instant ARRIVED = Instant.parse("2026-11-24T10:15:31.123456Z");

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[2]").appName("convoy-decode-events-it")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void eventsComeOutInTheEventSchemaAndABadRecordAsADeadLetterThatSaysWhereItCameFrom() {
    EventEncoder encoder = new EventEncoder(WireProtocol.COMPACT);
    byte[] good = encoder.encode(new Event.EmailSent("email-1  ", "subscriber-é", "campaign-1", SENT_AT.toEpochMilli()));
    byte[] bad = "not thrift".getBytes(StandardCharsets.UTF_8);
    byte[] opened = encoder.encode(new Event.EmailOpened("email-2", "subscriber-2", "campaign-2", SENT_AT.toEpochMilli()));
    Dataset<Row> records = spark.createDataFrame(List.of(
        record(good, "stream-a", "pk-1", "49590338271490256608559692538361571095921575989136588801"),
        record(bad, "stream-b", "pk-ü", "49590338271490256608559692538361571095921575989136588802"),
        record(opened, "stream-c", "pk-3", "49590338271490256608559692538361571095921575989136588803")), KinesisSourceProvider.SCHEMA);
    CollectionAccumulator<DeadLetter> deadLetters = spark.sparkContext().collectionAccumulator();

    Dataset<Row> events = new DecodeEvents("job-a", EventType.SENT, WireProtocol.COMPACT, deadLetters).apply(records);
    List<Row> rows = events.collectAsList();

    assertThat(events.schema()).isEqualTo(DecodeEvents.EVENTS);
    assertThat(rows).containsExactly(RowFactory.create(Timestamp.from(SENT_AT), "email-1", "campaign-1", "subscriber-é"));
    assertThat(deadLetters.value()).extracting(DeadLetter::stream, DeadLetter::partitionKey, DeadLetter::sequenceNumber,
        DeadLetter::arrivalTime, DeadLetter::job).containsExactlyInAnyOrder(
        tuple("stream-b", "pk-ü", "49590338271490256608559692538361571095921575989136588802", ARRIVED, "job-a"),
        tuple("stream-c", "pk-3", "49590338271490256608559692538361571095921575989136588803", ARRIVED, "job-a"));
    assertThat(deadLetters.value()).filteredOn(d -> d.stream().equals("stream-b")).singleElement()
        .satisfies(d -> assertThat(d.payload()).isEqualTo(bad));
    assertThat(deadLetters.value()).filteredOn(d -> d.stream().equals("stream-c")).singleElement()
        .satisfies(d -> assertThat(d.error()).isEqualTo("event type EmailOpened where EmailSent was expected"));
  }

  @Test
  void aRecordsOriginIsReadOnlyForADeadLetterAndEachPayloadIsDecodedOnce() {
    EventEncoder encoder = new EventEncoder(WireProtocol.COMPACT);
    byte[] good = encoder.encode(new Event.EmailSent("email-1", "subscriber-1", "campaign-1", SENT_AT.toEpochMilli()));
    byte[] bad = "not thrift".getBytes(StandardCharsets.UTF_8);
    // Reading a decoded record's origin fails the query, so passing shows that only the refused record's is read.
    Column unread = raise_error(lit("the origin of a decoded record was read"));
    Dataset<Row> records = spark.createDataFrame(List.of(
        record(good, "stream-a", "pk-1", "1"), record(bad, "stream-b", "pk-2", "2"), record(good, "stream-c", "pk-3", "3")),
        KinesisSourceProvider.SCHEMA).repartition(2);
    Column refused = col("data").equalTo(lit(bad));
    records = records.select(col("data"), when(refused, col("streamName")).otherwise(unread).as("streamName"),
        when(refused, col("partitionKey")).otherwise(unread).as("partitionKey"),
        when(refused, col("sequenceNumber")).otherwise(unread).as("sequenceNumber"),
        when(refused, col("approximateArrivalTimestamp")).otherwise(unread.cast("timestamp")).as("approximateArrivalTimestamp"));
    CollectionAccumulator<DeadLetter> deadLetters = spark.sparkContext().collectionAccumulator();

    Dataset<Row> events = new DecodeEvents("job-a", EventType.SENT, WireProtocol.COMPACT, deadLetters).apply(records);

    assertThat(events.collectAsList()).hasSize(2);
    assertThat(deadLetters.value()).extracting(DeadLetter::stream, DeadLetter::partitionKey, DeadLetter::sequenceNumber,
        DeadLetter::arrivalTime).containsExactly(tuple("stream-b", "pk-2", "2", ARRIVED));
    Aggregation aggregation = new Aggregation(Duration.ofHours(1), Duration.ofHours(24), List.of(Dimension.CAMPAIGN_ID),
        List.of(Metric.EVENTS, Metric.DISTINCT_SUBSCRIBERS));
    String plan = new HourlyBuckets(aggregation, spark.sparkContext().longAccumulator()).apply(events)
        .queryExecution().optimizedPlan().toString();
    assertThat(plan.split(DecodeEvents.DECODE + "\\(", -1)).as("calls of the decoder in %s", plan).hasSize(2);
  }

  @Test
  void eachTaskCountsTheEventsBehindTheWatermarkItsBatchPublished() {
    long hour = Duration.ofHours(1).toMillis();
    Instant watermark = Instant.parse("2026-11-24T12:00:00Z");
    // Windows ending at or before the watermark are late: 10:xx and 11:xx; 12:00 is not.
    List<Row> rows = List.of(at("2026-11-24T10:05:00Z"), at("2026-11-24T11:59:59.999Z"), at("2026-11-24T12:00:00Z"),
        at("2026-11-24T13:30:00Z"), at("2026-11-24T10:30:00Z"), at("2026-11-24T12:45:00Z"));
    Dataset<Row> events = spark.createDataFrame(rows, DecodeEvents.EVENTS).repartition(3);
    LongAccumulator late = spark.sparkContext().longAccumulator();

    spark.sparkContext().setLocalProperty(LateEvents.WATERMARK_PROPERTY, Long.toString(watermark.toEpochMilli()));
    try {
      long through = new LateEvents(Duration.ofMillis(hour), late).count(events, "event_time").select(col("email_id")).count();
      assertThat(through).isEqualTo(rows.size());
      assertThat(late.value()).isEqualTo(3);
    } finally {
      spark.sparkContext().setLocalProperty(LateEvents.WATERMARK_PROPERTY, null);
    }

    late.reset();
    new LateEvents(Duration.ofMillis(hour), late).count(events, "event_time").count();
    assertThat(late.value()).as("no published watermark, nothing late").isZero();
  }

  private static Row record(byte[] data, String stream, String partitionKey, String sequenceNumber) {
    return RowFactory.create(data, stream, partitionKey, sequenceNumber, Timestamp.from(ARRIVED));
  }

  private static Row at(String time) {
    return RowFactory.create(Timestamp.from(Instant.parse(time)), "e", "c", "s");
  }
}

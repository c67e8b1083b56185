package dev.convoy.tools;

import dev.convoy.events.DeadLetter;
import dev.convoy.events.Decoded;
import dev.convoy.events.Event;
import dev.convoy.events.EventDecoder;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.Column;
import dev.convoy.sink.ColumnType;
import dev.convoy.sink.DeadLetterSink;
import dev.convoy.sink.RedshiftSettings;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.sink.TableName;
import dev.convoy.sink.TableSpec;
import dev.convoy.sink.UpsertSink;
import dev.convoy.source.kinesis.proxy.KinesisEndpoint;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@code make demo} until the Spark driver lands: the five event types produced into their streams,
 * read back, decoded (bad payloads to dead letters), counted into hourly buckets and upserted into
 * the Redshift stand-in by each job's sink, then the buckets printed from Redshift and checked against
 * the producer's report. The same contract, producer and sink the driver uses; no Spark yet.
 */
public final class DemoCommand {

  private static final Map<EventType, String> STREAMS = new EnumMap<>(Map.of(
      EventType.SENT, "convoy-email-sent", EventType.OPENED, "convoy-email-opened", EventType.CLICKED, "convoy-email-clicked",
      EventType.BOUNCED, "convoy-email-bounced", EventType.UNSUBSCRIBED, "convoy-unsubscribed"));

  private DemoCommand() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    KinesisEndpoint endpoint = KinesisEndpoint.of(env.getOrDefault("AWS_REGION", "us-east-1"), env.get("CONVOY_KINESIS_ENDPOINT"));
    RedshiftWarehouse warehouse = new RedshiftWarehouse(RedshiftSettings.fromEnvironment(env), env);
    long runId = Instant.now().getEpochSecond();

    step("resetting the demo streams and tables");
    try (KinesisClient admin = endpoint.client()) {
      for (String stream : STREAMS.values()) recreate(admin, stream);
    }
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      for (EventType t : EventType.values()) s.execute("DROP TABLE IF EXISTS " + table(t));
      s.execute("DROP TABLE IF EXISTS " + DeadLetterSink.TABLE);
    }

    step("producing events of all five types");
    Map<EventType, Double> mix = new EnumMap<>(Map.of(EventType.SENT, 10.0, EventType.OPENED, 5.0, EventType.CLICKED, 2.0,
        EventType.BOUNCED, 1.0, EventType.UNSUBSCRIBED, 0.5));
    Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    ProducePlan plan = new ProducePlan(STREAMS, mix, Optional.of(3_000L), Optional.empty(), 0, runId, to.minus(Duration.ofHours(4)), to,
        0, Duration.ofHours(48), 0.01, 400, 150, 3, WireProtocol.COMPACT);
    ProduceReport report;
    try (StreamProxy proxy = SdkStreamProxy.connect(endpoint)) {
      report = new Producer(proxy, p -> step(String.format("%,d records written", p.written()))).run(plan);
    }
    System.out.print(report.toTable());

    step("five jobs: read, decode, bucket by hour, upsert into Redshift (one transaction per batch)");
    try (var executor = Executors.newVirtualThreadPerTaskExecutor(); StreamProxy proxy = SdkStreamProxy.connect(endpoint)) {
      List<Future<String>> jobs = new ArrayList<>();
      for (EventType type : EventType.values()) jobs.add(executor.submit(() -> runJob(type, proxy, warehouse, runId)));
      for (Future<String> job : jobs) step(job.get());
    }

    step("hourly buckets in Redshift");
    Map<String, Long> fromRedshift = printBuckets(warehouse);
    Map<String, Long> expected = new TreeMap<>();
    report.buckets().forEach((b, c) -> expected.merge(b.type().shortName() + " " + b.hour(), c.onTime() + c.late(), Long::sum));
    if (!fromRedshift.equals(expected)) {
      System.err.println("demo: MISMATCH between Redshift " + fromRedshift + " and the producer's report " + expected);
      System.exit(1);
    }
    System.out.printf("demo: exact — every event the producer wrote is counted once in Redshift; %d dead letters kept in %s%n",
        report.malformed().values().stream().mapToLong(Long::longValue).sum(), DeadLetterSink.TABLE);
  }

  /** One job, done the long way: the whole stream as one batch of absolute counts. */
  private static String runJob(EventType type, StreamProxy proxy, RedshiftWarehouse warehouse, long batchId) {
    String stream = STREAMS.get(type);
    String job = "demo-" + type.shortName();
    EventDecoder decoder = EventDecoder.forType(type, WireProtocol.COMPACT);
    Map<List<Object>, long[]> counts = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    Map<List<Object>, Set<String>> subscribers = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    List<DeadLetter> deadLetters = new ArrayList<>();
    for (String shard : proxy.shardIds(stream)) {
      String iterator = proxy.iteratorAtTrimHorizon(stream, shard);
      while (iterator != null) {
        StreamProxy.Page page = proxy.getRecords(stream, iterator, 10_000);
        for (StreamProxy.ReceivedRecord r : page.records()) {
          switch (decoder.decode(r.data())) {
            case Decoded.Valid v -> {
              Event e = v.event();
              List<Object> key = List.of(e.eventTime().truncatedTo(ChronoUnit.HOURS), e.emailId(), e.campaignId());
              counts.computeIfAbsent(key, k -> new long[1])[0]++;
              subscribers.computeIfAbsent(key, k -> new HashSet<>()).add(e.subscriberId());
            }
            case Decoded.Invalid i -> deadLetters.add(DeadLetter.of(job, stream, r.sequenceNumber(), r.partitionKey(),
                r.arrivalTime(), i.error(), r.data()));
          }
        }
        if (page.records().isEmpty() && page.millisBehindLatest() == 0) break;
        iterator = page.nextIterator();
      }
    }
    List<Object[]> rows = new ArrayList<>();
    counts.forEach((k, c) -> rows.add(new Object[] {k.get(0), k.get(1), k.get(2), c[0], (long) subscribers.get(k).size()}));
    TableSpec spec = bucketTable(table(type));
    try (UpsertSink sink = new UpsertSink(warehouse, job, spec);
         DeadLetterSink dead = new DeadLetterSink(new UpsertSink(warehouse, job, DeadLetterSink.spec(spec.name())))) {
      sink.prepare();
      dead.prepare();
      var result = sink.upsert(batchId, rows);
      dead.write(batchId, deadLetters);
      return String.format("%-16s %-22s %5d buckets upserted (%d inserted, %d updated), %d dead letters", job, stream,
          result.rows(), result.inserted(), result.updated(), deadLetters.size());
    }
  }

  static TableSpec bucketTable(String name) {
    return new TableSpec(TableName.parse("table", name), List.of(
        Column.key("bucket_start", ColumnType.TIMESTAMP), Column.key("email_id", ColumnType.varchar(128)),
        Column.key("campaign_id", ColumnType.varchar(128)), Column.value("events", ColumnType.BIGINT),
        Column.value("distinct_subscribers", ColumnType.BIGINT)));
  }

  private static String table(EventType type) {
    return "demo_" + type.shortName() + "_hourly";
  }

  private static Map<String, Long> printBuckets(RedshiftWarehouse warehouse) throws Exception {
    Map<String, Long> totals = new TreeMap<>();
    System.out.printf("%-24s %-18s %8s %8s %12s%n", "table", "hour (UTC)", "buckets", "events", "subscribers");
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
      for (EventType type : EventType.values()) {
        try (ResultSet rs = s.executeQuery("SELECT bucket_start, COUNT(*), SUM(events), SUM(distinct_subscribers) FROM " + table(type)
            + " GROUP BY bucket_start ORDER BY bucket_start")) {
          while (rs.next()) {
            Instant hour = rs.getTimestamp(1, utc).toInstant();
            System.out.printf("%-24s %-18s %8d %8d %12d%n", table(type), hour.toString().replace(":00:00Z", ":00"),
                rs.getLong(2), rs.getLong(3), rs.getLong(4));
            totals.put(type.shortName() + " " + hour, rs.getLong(3));
          }
        }
      }
    }
    return totals;
  }

  private static void recreate(KinesisClient admin, String stream) {
    try {
      admin.deleteStream(b -> b.streamName(stream));
      waitUntil(() -> admin.listStreams().streamNames().stream().noneMatch(stream::equals));
    } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException absent) {
      // first run: nothing to delete
    }
    admin.createStream(b -> b.streamName(stream).shardCount(2));
    waitUntil(() -> admin.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("kinesis-local did not finish a stream change within 30 s");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static void step(String message) {
    System.err.println("demo: " + message);
  }
}

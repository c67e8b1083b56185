package dev.convoy.app;

import dev.convoy.cli.Args;
import dev.convoy.cli.Command;
import dev.convoy.cli.Option;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.config.JobConfig;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.sink.TableName;
import dev.convoy.sink.Tables;
import dev.convoy.sink.RedshiftWarehouse;
import dev.convoy.source.kinesis.proxy.KinesisEndpoint;
import dev.convoy.source.kinesis.proxy.SdkStreamProxy;
import dev.convoy.source.kinesis.proxy.StreamProxy;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.ProduceReport;
import dev.convoy.tools.Producer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@code make demo}: the five event types produced into their streams, then the real driver — all five
 * jobs as queries of one SparkSession — until every produced event is counted in the Redshift stand-in;
 * the hourly buckets printed from Redshift and checked against the producer's report; a clean stop.
 */
final class DemoCommand {

  private static final Duration DEADLINE = Duration.ofMinutes(5);

  static final Command COMMAND = new Command("demo", "demo [--config FILE]", """
      Starts the local stack, produces 3,000 events of all five types (1% malformed), runs the config's jobs
      in one driver until every event is counted in the Redshift stand-in, prints the hourly buckets and the
      jobs' status, checks them against the producer's report and stops. Exit code 0 when exact.""",
      List.of(Option.value("config", "FILE", "conf/jobs.local.yaml", "the demo's jobs, one per event type")));

  private DemoCommand() {}

  static int run(Args args) throws Exception {
    Map<String, String> env = System.getenv();
    ConvoyConfig config = ConvoyConfig.load(Path.of(args.get("config")), env);
    Map<String, String> kinesis = config.jobs().getFirst().sourceOptions();
    KinesisEndpoint endpoint = KinesisEndpoint.of(kinesis.getOrDefault("region", "us-east-1"), kinesis.get("endpointUrl"));
    RedshiftWarehouse warehouse = new RedshiftWarehouse(config.redshift(), env);
    Map<EventType, JobConfig> jobs = new EnumMap<>(EventType.class);
    config.jobs().stream().filter(j -> j.code().isEmpty()).forEach(j -> jobs.put(j.eventType(), j)); // the demo checks the configured jobs

    step("resetting the demo's streams, tables and checkpoints");
    try (KinesisClient admin = endpoint.client()) {
      for (JobConfig j : jobs.values()) recreate(admin, j.stream());
    }
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      // Only the demo's own tables: each job's target, ledger and dead letters. Other jobs' tables are theirs.
      for (JobConfig j : jobs.values()) {
        for (TableName t : List.of(j.table(), Tables.ledger(j.table()).name(), Tables.deadLetters(j.table()).name())) {
          s.execute("DROP TABLE IF EXISTS " + t.sql());
        }
      }
    }
    for (JobConfig j : jobs.values()) deleteTree(Path.of(j.checkpoint()));

    step("producing events of all five types");
    Map<EventType, String> streams = new EnumMap<>(EventType.class);
    jobs.forEach((t, j) -> streams.put(t, j.stream()));
    Map<EventType, Double> mix = new EnumMap<>(Map.of(EventType.SENT, 10.0, EventType.OPENED, 5.0, EventType.CLICKED, 2.0,
        EventType.BOUNCED, 1.0, EventType.UNSUBSCRIBED, 0.5));
    Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    ProducePlan plan = new ProducePlan(streams, mix, Optional.of(3_000L), Optional.empty(), 0, Instant.now().getEpochSecond(),
        to.minus(Duration.ofHours(4)), to, 0, Duration.ofHours(48), 0.01, 400, 150, 3, WireProtocol.COMPACT);
    ProduceReport report;
    try (StreamProxy proxy = SdkStreamProxy.connect(endpoint)) {
      report = new Producer(proxy, p -> step(String.format("%,d records written", p.written()))).run(plan);
    }
    System.out.print(report.toTable());
    Map<String, Long> expected = new TreeMap<>();
    report.buckets().forEach((b, c) -> expected.merge(b.type().shortName() + " " + b.hour(), c.onTime() + c.late(), Long::sum));
    long expectedEvents = expected.values().stream().mapToLong(Long::longValue).sum();

    step("starting the driver: " + jobs.size() + " jobs, one SparkSession");
    Map<String, Long> fromRedshift;
    boolean healthy;
    try (RunCommand.Running running = RunCommand.start(config, env)) {
      step("control endpoint " + running.control().address() + " — try 'bin/convoy jobs' in another terminal");
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (true) {
        fromRedshift = totals(warehouse, jobs);
        long counted = fromRedshift.values().stream().mapToLong(Long::longValue).sum();
        step(String.format("%,d of %,d events counted in Redshift; jobs: %s", counted, expectedEvents, states(running.driver())));
        if (fromRedshift.equals(expected) || System.nanoTime() > deadline || !running.driver().healthy()) break;
        Thread.sleep(2_000); // progress cadence while polling Redshift, not a synchronisation
      }
      step("hourly buckets in Redshift");
      printBuckets(warehouse, jobs);
      // A batch's progress is posted just after its sink commits: wait for it, so the table says what Redshift has.
      long posted = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!statusCaughtUp(warehouse, jobs, running.driver()) && System.nanoTime() < posted) Thread.sleep(200);
      System.out.print(ControlCommand.table(running.driver().status()));
      step("stopping the driver");
      healthy = running.stop();
    }
    if (!fromRedshift.equals(expected)) {
      System.err.println("demo: MISMATCH between Redshift " + fromRedshift + " and the producer's report " + expected
          + (healthy ? "" : " — a job FAILED; its last error is in the table above"));
      return 1;
    }
    System.out.printf("demo: exact — every event the producer wrote is counted once in Redshift; %d malformed records kept in %s%n",
        report.malformed().values().stream().mapToLong(Long::longValue).sum(), "the jobs' *_convoy_dead_letters tables");
    return 0;
  }

  /** Every job's status shows at least the last batch its ledger committed. */
  private static boolean statusCaughtUp(RedshiftWarehouse warehouse, Map<EventType, JobConfig> jobs, dev.convoy.run.Driver driver)
      throws Exception {
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      for (JobConfig j : jobs.values()) {
        try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(batch_id), -1) FROM " + Tables.ledger(j.table()).name().sql())) {
          rs.next();
          if (driver.status(j.name()).lastBatchId() < rs.getLong(1)) return false;
        }
      }
    }
    return true;
  }

  private static String states(dev.convoy.run.Driver driver) {
    Map<String, Long> n = new TreeMap<>();
    driver.status().forEach(s -> n.merge(s.state().name(), 1L, Long::sum));
    return n.toString();
  }

  private static Map<String, Long> totals(RedshiftWarehouse warehouse, Map<EventType, JobConfig> jobs) throws Exception {
    Map<String, Long> totals = new TreeMap<>();
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
      for (var e : jobs.entrySet()) {
        try (ResultSet rs = s.executeQuery("SELECT bucket_start, SUM(events) FROM " + e.getValue().table().sql() + " GROUP BY bucket_start")) {
          while (rs.next()) totals.put(e.getKey().shortName() + " " + rs.getTimestamp(1, utc).toInstant(), rs.getLong(2));
        }
      }
    }
    return totals;
  }

  private static void printBuckets(RedshiftWarehouse warehouse, Map<EventType, JobConfig> jobs) throws Exception {
    System.out.printf("%-24s %-18s %8s %8s %12s%n", "table", "hour (UTC)", "buckets", "events", "subscribers");
    try (Connection c = warehouse.connect(); Statement s = c.createStatement()) {
      var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
      for (JobConfig j : jobs.values()) {
        try (ResultSet rs = s.executeQuery("SELECT bucket_start, COUNT(*), SUM(events), SUM(distinct_subscribers) FROM " + j.table().sql()
            + " GROUP BY bucket_start ORDER BY bucket_start")) {
          while (rs.next()) {
            System.out.printf("%-24s %-18s %8d %8d %12d%n", j.table().sql(), rs.getTimestamp(1, utc).toInstant().toString().replace(":00:00Z", ":00"),
                rs.getLong(2), rs.getLong(3), rs.getLong(4));
          }
        }
      }
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    if (!Files.exists(root)) return;
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
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

package dev.convoy.run;

import dev.convoy.control.JobState;
import dev.convoy.control.JobStatus;
import dev.convoy.app.RunCommand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.convoy.config.ConvoyConfig;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import dev.convoy.testing.TcpProxy;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.ProduceReport;
import dev.convoy.tools.Producer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The driver end to end on the local stack: jobs of one SparkSession reading kinesis-local with the
 * built-in source and upserting hourly buckets through PgBouncer with the Redshift driver; the
 * buckets must equal those computed from the producer's report, exactly.
 */
class DriverIT {

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private final List<String> streams = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path work;

  @AfterEach
  void cleanUp() {
    processes.forEach(Process::destroyForcibly);
    streams.forEach(s -> Streams.deleteQuietly(kinesis, s));
    kinesis.close();
  }

  @Test
  void fiveJobsRunConcurrentlyInOneDriverAndTheirBucketsAreExact() throws Exception {
    Map<EventType, String> jobs = jobsFor(EventType.values());
    ProduceReport report = produce(jobs, 1_500, 0.02);

    try (RunCommand.Running driver = RunCommand.start(config(jobs, 5, ""), env())) {
      awaitExact(jobs, report);
      // A batch's rows are committed inside its sink; its progress is posted just after.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(driver.driver().status()).allSatisfy(s -> {
        assertThat(s.state()).isEqualTo(JobState.RUNNING);
        assertThat(s.lastBatchId()).isGreaterThanOrEqualTo(0);
        assertThat(s.lateEvents()).as("no event is behind a 24 h watermark").isZero();
      }));
      long malformed = report.malformed().values().stream().mapToLong(Long::longValue).sum();
      assertThat(malformed).isPositive();
      await().atMost(Duration.ofMinutes(1)).until(() -> deadLetterRows(jobs) == malformed);
      // The driver counts a batch's dead letters once they commit with it.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(driver.driver().status().stream().mapToLong(JobStatus::deadLetters).sum()).isEqualTo(malformed));
      // What on-call sees of the warehouse writes: each bucket row was inserted once, later batches updated some.
      for (EventType t : jobs.keySet()) {
        JobStatus s = driver.driver().status(t.shortName() + "-" + run);
        assertThat(s.sink().rowsInserted()).as("rows inserted by %s", s.name()).isEqualTo(rows(table(t)));
        assertThat(s.sink().batches()).isPositive();
        assertThat(s.sink().conflicts()).isZero();
      }
      // /metrics, without a token, says what /jobs says.
      HttpResponse<String> scraped = http(driver, "GET", "/metrics", null);
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      Map<String, Double> metrics = prometheus(scraped.body());
      for (JobStatus s : driver.driver().status()) {
        String job = "job=\"" + s.name() + "\"";
        assertThat(metrics).containsEntry("convoy_job_state{" + job + ",state=\"RUNNING\"}", 1.0)
            .containsEntry("convoy_job_state{" + job + ",state=\"FAILED\"}", 0.0)
            .containsEntry("convoy_job_dead_letters_total{" + job + "}", (double) s.deadLetters())
            .containsEntry("convoy_job_late_events_total{" + job + "}", (double) s.lateEvents())
            .containsEntry("convoy_job_restarts_total{" + job + "}", (double) s.restarts())
            .containsEntry("convoy_job_sink_rows_inserted_total{" + job + "}", (double) s.sink().rowsInserted())
            .containsEntry("convoy_job_sink_rows_updated_total{" + job + "}", (double) s.sink().rowsUpdated());
        // A batch's progress may be posted between the scrape and this status, never the other way round.
        assertThat(metrics.get("convoy_job_last_batch_id{" + job + "}")).isBetween(0.0, (double) s.lastBatchId());
      }
      assertThat(metrics).containsEntry("convoy_jobs{state=\"RUNNING\"}", (double) jobs.size());
      assertThat(metrics.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")).anyMatch(k -> k.startsWith("jvm_threads_live_threads"));
      assertThat(driver.stop()).as("every job healthy at the stop").isTrue();
    }
  }

  /** Prometheus text format: each sample's name and labels, as written, to its value. */
  private static Map<String, Double> prometheus(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  private long rows(String table) throws Exception {
    try (Connection c = stack.redshift(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void eventsBehindTheWatermarkAreDroppedFromTheBucketsAndCountedOneByOnePerJob() throws Exception {
    Map<EventType, String> jobs = jobsFor(EventType.OPENED);
    Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant firstHour = to.minus(Duration.ofHours(3));
    ProduceReport onTime = produce(jobs, 300, 0, 0, to);
    String withShortWatermark = yaml(jobs, 5, "").replace("trigger: 500ms", "trigger: 500ms\n    aggregation: { watermark: 1h }");
    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", withShortWatermark, env()), env())) {
      awaitExact(jobs, onTime);
      // Spark drops late events by the watermark of the batch before: wait until a batch has run with
      // the newest event (in the last hour) minus 1 h, so every later batch drops events older than that.
      String job = EventType.OPENED.shortName() + "-" + run;
      await().atMost(Duration.ofMinutes(1)).until(() -> {
        String watermark = driver.driver().status(job).watermark();
        return watermark != null && Instant.parse(watermark).isAfter(to.minus(Duration.ofHours(3)));
      });
      // Events 48 h older are behind it.
      ProduceReport late = produce(jobs, 120, 0, 1.0, to);
      long lateEvents = late.buckets().values().stream().mapToLong(ProduceReport.Counts::late).sum();
      assertThat(lateEvents).isEqualTo(120);
      await().atMost(Duration.ofMinutes(2)).until(() -> driver.driver().status(job).lateEvents() >= lateEvents);
      // Every late event once: Spark's own metric counts rows after partial aggregation, so it is lower.
      await().atMost(Duration.ofMinutes(1)).until(() -> driver.driver().status(job).lateRowsDropped() >= late.buckets().size());
      JobStatus status = driver.driver().status(job);
      assertThat(status.lateEvents()).isEqualTo(lateEvents);
      assertThat(status.lateRowsDropped()).isBetween((long) late.buckets().size(), lateEvents);
      assertThat(totals(jobs)).as("late events are not in the buckets").isEqualTo(expected(jobs, onTime));

      // At the boundary: more events over the same three hours. The first hour's window has ended at
      // or before the watermark, so all its events are late; the second hour's window ends after it,
      // so its events count even where the event time itself is behind the watermark.
      ProduceReport more = produce(jobs, 300, 0, 0, to);
      long behind = more.buckets().entrySet().stream().filter(e -> e.getKey().hour().equals(firstHour))
          .mapToLong(e -> e.getValue().onTime()).sum();
      assertThat(behind).isPositive();
      Map<String, Long> expected = expected(jobs, onTime);
      expected(jobs, more).forEach((bucket, n) -> {
        if (!bucket.endsWith(" " + firstHour)) expected.merge(bucket, n, Long::sum);
      });
      awaitExact(jobs, expected);
      await().atMost(Duration.ofMinutes(1)).until(() -> driver.driver().status(job).lateEvents() >= lateEvents + behind);
      assertThat(driver.driver().status(job).lateEvents()).isEqualTo(lateEvents + behind);
    }
  }

  @Test
  void aPoisonJobIsRestartedWithBackoffUntilItsBudgetRunsOutAndTheOthersStayExact() throws Exception {
    Map<EventType, String> jobs = jobsFor(EventType.SENT, EventType.CLICKED);
    ProduceReport report = produce(jobs, 600, 0);
    String poison = """
          - name: poison-%s
            stream: no-such-stream-%s
            eventType: opened
            source: builtin
            table: poison_%s_hourly
            trigger: 500ms
            restart: { maxRestarts: 2, backoff: 200ms, maxBackoff: 400ms }
        """.formatted(run, run, run);

    try (RunCommand.Running driver = RunCommand.start(config(jobs, 5, poison), env())) {
      await().atMost(Duration.ofMinutes(2)).until(() -> driver.driver().status("poison-" + run).state() == JobState.FAILED);
      JobStatus failed = driver.driver().status("poison-" + run);
      assertThat(failed.restarts()).isEqualTo(3);
      assertThat(failed.lastError()).contains("no-such-stream-" + run).contains("does not exist");
      awaitExact(jobs, report);
      assertThat(driver.driver().status()).filteredOn(s -> !s.name().startsWith("poison")).allSatisfy(s ->
          assertThat(s.state()).isEqualTo(JobState.RUNNING));
      HttpResponse<String> health = http(driver, "GET", "/health", null);
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(driver.stop()).as("a FAILED job makes the driver unhealthy").isFalse();
    }
  }

  @Test
  void aboveMaxConcurrentJobsAJobWaitsAsPendingUntilAnotherIsStoppedThroughTheControlEndpoint() throws Exception {
    Map<EventType, String> jobs = jobsFor(EventType.SENT, EventType.OPENED, EventType.BOUNCED);
    try (RunCommand.Running driver = RunCommand.start(config(jobs, 2, ""), env())) {
      await().atMost(Duration.ofMinutes(1)).until(() -> count(driver, JobState.RUNNING) == 2 && count(driver, JobState.PENDING) == 1);
      String pending = driver.driver().status().stream().filter(s -> s.state() == JobState.PENDING).findFirst().orElseThrow().name();
      String running = driver.driver().status().stream().filter(s -> s.state() == JobState.RUNNING).findFirst().orElseThrow().name();
      String token = Files.readString(driver.stateDir().resolve("control.token")).strip();

      assertThat(http(driver, "POST", "/jobs/" + running + "/stop", null).statusCode()).as("no token").isEqualTo(401);
      assertThat(http(driver, "POST", "/jobs/" + running + "/stop", "not-the-token-at-all").statusCode()).isEqualTo(401);
      assertThat(driver.driver().status(pending).state()).isEqualTo(JobState.PENDING);

      HttpResponse<String> stopped = http(driver, "POST", "/jobs/" + running + "/stop", token);
      assertThat(stopped.statusCode()).isEqualTo(200);
      assertThat(stopped.body()).contains("\"STOPPED\"");
      await().atMost(Duration.ofMinutes(1)).until(() -> driver.driver().status(pending).state() == JobState.RUNNING);
      assertThat(http(driver, "GET", "/jobs", null).body()).contains(pending);

      assertThat(http(driver, "POST", "/jobs/" + running + "/start", token).statusCode()).isEqualTo(200);
      assertThat(driver.driver().status(running).state()).isEqualTo(JobState.PENDING);
      assertThat(http(driver, "POST", "/jobs/nobody/stop", token).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aControlPortInUseFailsStartUpNamingTheAddressBeforeAnyJobStarts() throws Exception {
    Map<EventType, String> jobs = Map.of(EventType.SENT, "it-driver-never-read"); // nothing starts, so no stream is needed
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String yaml = yaml(jobs, 5, "").replace("port: 0", "port: " + taken.getLocalPort());
      assertThatThrownBy(() -> RunCommand.start(ConvoyConfig.parse("test", yaml, env()), env()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control endpoint: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    assertThat(work.resolve("checkpoints")).as("no job's query started").doesNotExist();
  }

  @Test
  void killingTheDriverJvmMidRunAndStartingAgainOnTheSameCheckpointsKeepsTheBucketsExact() throws Exception {
    Map<EventType, String> jobs = jobsFor(EventType.SENT, EventType.CLICKED);
    ProduceReport first = produce(jobs, 800, 0.01);
    Path configFile = work.resolve("jobs.yaml");
    Files.writeString(configFile, yaml(jobs, 5, ""));

    Process driver = driverJvm(configFile, work.resolve("driver-1.log"));
    await().atMost(Duration.ofMinutes(2)).until(() -> committedBatches(jobs) > 0 || !driver.isAlive());
    assertThat(driver.isAlive()).as("driver runs (see %s)", work.resolve("driver-1.log")).isTrue();
    Thread second = Thread.ofVirtual().start(() -> produceQuietly(jobs, 800));
    Thread.sleep(ThreadLocalRandom.current().nextLong(1, 1_500)); // a random kill point, not a synchronisation
    driver.destroyForcibly().waitFor(); // SIGKILL
    second.join();

    Process again = driverJvm(configFile, work.resolve("driver-2.log"));
    Map<String, Long> expected = expected(jobs, first);
    expected(jobs, secondReport).forEach((k, v) -> expected.merge(k, v, Long::sum));
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> totals(jobs).equals(expected) || !again.isAlive());
    assertThat(totals(jobs)).isEqualTo(expected);
    again.destroy(); // SIGTERM: graceful stop
    assertThat(again.waitFor()).as("exit code after SIGTERM with every job healthy").isZero();
  }

  @Test
  void aTwoMinuteWarehouseOutageCostsNoRestartAndTheNumbersStayExact() throws Exception {
    Map<EventType, String> jobs = jobsFor(EventType.values());
    URI redshift = URI.create(stack.redshiftUrl().substring("jdbc:".length()));
    try (TcpProxy warehouse = TcpProxy.to(redshift.getHost(), redshift.getPort())) {
      Map<String, String> env = env();
      env.put("CONVOY_REDSHIFT_URL", stack.redshiftUrl().replace(":" + redshift.getPort() + "/", ":" + warehouse.port() + "/"));
      ProduceReport before = produce(jobs, 400, 0.02);
      try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", yaml(jobs, 5, ""), env), env)) {
        awaitExact(jobs, before);
        warehouse.down();
        long cut = System.nanoTime();
        ProduceReport during = produce(jobs, 400, 0.02);
        // Every job has new records, so every job's next batch waits for the warehouse, and says so.
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(driver.driver().status())
            .allSatisfy(s -> assertThat(s.waitingFor()).as("%s waits", s.name()).contains("unreachable")));
        // The outage lasts two minutes; all along, no job restarts or leaves RUNNING.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
          assertThat(driver.driver().status()).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo(JobState.RUNNING);
            assertThat(s.restarts()).isZero();
          });
          return System.nanoTime() - cut > Duration.ofMinutes(2).toNanos();
        });
        warehouse.up();
        Map<String, Long> expected = expected(jobs, before);
        expected(jobs, during).forEach((k, v) -> expected.merge(k, v, Long::sum));
        awaitExact(jobs, expected);
        long malformed = before.malformed().values().stream().mapToLong(Long::longValue).sum()
            + during.malformed().values().stream().mapToLong(Long::longValue).sum();
        await().atMost(Duration.ofMinutes(1)).until(() -> deadLetterRows(jobs) == malformed);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(driver.driver().status()).allSatisfy(s -> {
          assertThat(s.restarts()).isZero();
          assertThat(s.waitingFor()).isNull();
        }));
        assertThat(driver.driver().status().stream().mapToLong(JobStatus::deadLetters).sum()).isEqualTo(malformed);
        assertThat(driver.stop()).as("every job healthy at the stop").isTrue();
      }
    }
  }

  // --- helpers

  private volatile ProduceReport secondReport;

  private void produceQuietly(Map<EventType, String> jobs, int count) {
    try {
      secondReport = produce(jobs, count, 0.01);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<EventType, String> jobsFor(EventType... types) {
    Map<EventType, String> jobs = new EnumMap<>(EventType.class);
    for (EventType t : types) {
      String stream = "it-driver-" + t.shortName() + "-" + UUID.randomUUID();
      Streams.create(kinesis, stream, 1);
      streams.add(stream);
      jobs.put(t, stream);
    }
    return jobs;
  }

  private String table(EventType t) {
    return "it_" + run + "_" + t.shortName();
  }

  private ConvoyConfig config(Map<EventType, String> jobs, int maxConcurrent, String extraJobs) {
    return ConvoyConfig.parse("test", yaml(jobs, maxConcurrent, extraJobs), env());
  }

  private String yaml(Map<EventType, String> jobs, int maxConcurrent, String extraJobs) {
    StringBuilder y = new StringBuilder(LocalStack.driverConfigHead(maxConcurrent, work));
    jobs.forEach((t, stream) -> y.append("""
          - name: %s-%s
            stream: %s
            eventType: %s
            source: builtin
            table: %s
            trigger: 500ms
        """.formatted(t.shortName(), run, stream, t.shortName(), table(t))));
    return y + extraJobs;
  }

  private Map<String, String> env() {
    return stack.driverEnv();
  }

  private ProduceReport produce(Map<EventType, String> jobs, long count, double malformed) throws Exception {
    return produce(jobs, count, malformed, 0, Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
  }

  /** Events in the three hours before {@code to}, a {@code late} share of them 48 h before that. */
  private ProduceReport produce(Map<EventType, String> jobs, long count, double malformed, double late, Instant to) throws Exception {
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    jobs.keySet().forEach(t -> mix.put(t, 1.0));
    ProducePlan plan = new ProducePlan(jobs, mix, Optional.of(count), Optional.empty(), 0, ThreadLocalRandom.current().nextLong(),
        to.minus(Duration.ofHours(3)), to, late, Duration.ofHours(48), malformed, 200, 80, 3, WireProtocol.COMPACT);
    try (var proxy = stack.streamProxy()) {
      return new Producer(proxy, p -> {}).run(plan);
    }
  }

  /** "type hour" → events, from the report. */
  private static Map<String, Long> expected(Map<EventType, String> jobs, ProduceReport report) {
    Map<String, Long> expected = new TreeMap<>();
    report.buckets().forEach((b, c) -> {
      if (jobs.containsKey(b.type())) expected.merge(b.type().shortName() + " " + b.hour(), c.onTime() + c.late(), Long::sum);
    });
    return expected;
  }

  /** "type hour" → events, from the Redshift stand-in. */
  private Map<String, Long> totals(Map<EventType, String> jobs) throws Exception {
    Map<String, Long> totals = new TreeMap<>();
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
      for (EventType t : jobs.keySet()) {
        if (!tableExists(s, table(t))) continue;
        try (ResultSet rs = s.executeQuery("SELECT bucket_start, SUM(events) FROM " + table(t) + " GROUP BY bucket_start")) {
          while (rs.next()) totals.put(t.shortName() + " " + rs.getTimestamp(1, utc).toInstant(), rs.getLong(2));
        }
      }
    }
    return totals;
  }

  private void awaitExact(Map<EventType, String> jobs, ProduceReport report) throws Exception {
    awaitExact(jobs, expected(jobs, report));
  }

  private void awaitExact(Map<EventType, String> jobs, Map<String, Long> expected) throws Exception {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> totals(jobs).equals(expected));
    assertThat(totals(jobs)).isEqualTo(expected);
  }

  /** Dead letters kept in the jobs' own dead-letter tables (one row per record: its part 0). */
  private long deadLetterRows(Map<EventType, String> jobs) throws Exception {
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      long n = 0;
      for (EventType t : jobs.keySet()) {
        String table = table(t) + "_convoy_dead_letters";
        if (!tableExists(s, table)) continue;
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE payload_part = 0 AND stream = '" + jobs.get(t) + "'")) {
          rs.next();
          n += rs.getLong(1);
        }
      }
      return n;
    }
  }

  /** Batches committed by the jobs, from each table's own ledger. */
  private long committedBatches(Map<EventType, String> jobs) throws Exception {
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      long n = 0;
      for (EventType t : jobs.keySet()) {
        String ledger = table(t) + "_convoy_batches";
        if (!tableExists(s, ledger)) continue;
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + ledger)) {
          rs.next();
          n += rs.getLong(1);
        }
      }
      return n;
    }
  }

  private static boolean tableExists(Statement s, String table) throws Exception {
    try (ResultSet rs = s.executeQuery("SELECT 1 FROM information_schema.tables WHERE table_name = '" + table + "'")) {
      return rs.next();
    }
  }

  private static long count(RunCommand.Running driver, JobState state) {
    return driver.driver().status().stream().filter(s -> s.state() == state).count();
  }

  private static HttpResponse<String> http(RunCommand.Running driver, String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(driver.control().address() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(2));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Process driverJvm(Path config, Path log) throws Exception {
    var command = dev.convoy.testing.ChildJvm.command(dev.convoy.app.Main.class, "1g", "run", "--config", config.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env());
    Process p = pb.start();
    processes.add(p);
    return p;
  }
}

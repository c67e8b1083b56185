package dev.convoy.app;

import dev.convoy.control.JobState;
import dev.convoy.control.JobStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.ProduceReport;
import dev.convoy.tools.Producer;
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
import java.util.LinkedHashMap;
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
 * {@code POST /apply} (what {@code bin/convoy apply} calls) against a live driver on the local stack:
 * jobs are added, changed and removed without touching the others, a refused change applies nothing,
 * and the buckets stay exact across it all.
 */
class ApplyIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private final List<String> streams = new ArrayList<>();
  private final Map<EventType, String> streamOf = new EnumMap<>(EventType.class);
  @TempDir Path work;

  @AfterEach
  void cleanUp() {
    streams.forEach(s -> Streams.deleteQuietly(kinesis, s));
    kinesis.close();
  }

  @Test
  void jobsAreAddedChangedAndRemovedLiveWithoutTouchingTheOthers() throws Exception {
    for (EventType t : List.of(EventType.SENT, EventType.OPENED, EventType.CLICKED)) stream(t);
    Map<String, String> sent = job(EventType.SENT, "trigger: 500ms");
    Map<String, String> opened = job(EventType.OPENED, "trigger: 500ms");
    Map<String, String> clicked = job(EventType.CLICKED, "trigger: 500ms");
    String first = yaml(2, sent, opened);
    ProduceReport before = produce(List.of(EventType.SENT, EventType.OPENED, EventType.CLICKED), 600);

    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", first, env()), env())) {
      String a = name(EventType.SENT);
      String b = name(EventType.OPENED);
      String c = name(EventType.CLICKED);
      awaitExact(Map.of(EventType.SENT, List.of(before), EventType.OPENED, List.of(before)));
      String token = Files.readString(driver.stateDir().resolve("control.token")).strip();

      // A dry run plans and changes nothing.
      String second = yaml(2, job(EventType.SENT, "trigger: 1s\n    weight: 3"), opened, clicked);
      HttpResponse<String> dry = apply(driver, second, true, token);
      assertThat(dry.statusCode()).isEqualTo(200);
      JsonNode plan = JSON.readTree(dry.body());
      assertThat(plan.path("applied").asBoolean()).isFalse();
      assertThat(actions(plan)).containsExactly(Map.entry(a, "RESTART"), Map.entry(b, "KEEP"), Map.entry(c, "ADD"));
      assertThat(driver.driver().status()).extracting(JobStatus::name).containsExactly(a, b);
      assertThat(driver.driver().job(a).settings().trigger()).isEqualTo(Duration.ofMillis(500));

      // Applied: a restarts alone with its new trigger and weight, c waits for a slot, b is not touched.
      long bBatch = driver.driver().status(b).lastBatchId();
      HttpResponse<String> applied = apply(driver, second, false, token);
      assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
      assertThat(JSON.readTree(applied.body()).path("applied").asBoolean()).isTrue();
      assertThat(driver.driver().job(a).settings().trigger()).isEqualTo(Duration.ofSeconds(1));
      assertThat(driver.driver().poolWeight(a)).as("a's FAIR pool carries its new weight").isEqualTo(3);
      assertThat(driver.driver().status(c).state()).as("2 slots, both taken").isEqualTo(JobState.PENDING);
      await().atMost(Duration.ofMinutes(1)).until(() -> driver.driver().status(a).state() == JobState.RUNNING);
      assertThat(driver.driver().status(b).state()).isEqualTo(JobState.RUNNING);
      assertThat(driver.driver().status(b).lastBatchId()).as("b kept its query").isGreaterThanOrEqualTo(bBatch);
      assertThat(Files.readString(driver.stateDir().resolve(KeptConfig.TEXT))).as("kept for a step restart").isEqualTo(second);

      // maxConcurrentJobs changes live: c gets its slot.
      String third = yaml(3, job(EventType.SENT, "trigger: 1s\n    weight: 3"), opened, clicked);
      assertThat(apply(driver, third, false, token).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofMinutes(1)).until(() -> driver.driver().status(c).state() == JobState.RUNNING);
      ProduceReport after = produce(List.of(EventType.SENT, EventType.OPENED, EventType.CLICKED), 600);
      List<ProduceReport> both = List.of(before, after);
      awaitExact(Map.of(EventType.SENT, both, EventType.OPENED, both, EventType.CLICKED, both));
      assertThat(driver.driver().status()).allSatisfy(s -> assertThat(s.restarts()).as("%s restarts", s.name()).isZero());

      assertThat(scrape(driver)).contains("convoy_job_state{job=\"" + b + "\",state=\"RUNNING\"} 1");

      // Removed: b stops and is gone; its checkpoint and table stay, its metrics leave the scrape.
      String fourth = yaml(3, job(EventType.SENT, "trigger: 1s\n    weight: 3"), clicked);
      HttpResponse<String> removed = apply(driver, fourth, false, token);
      assertThat(removed.statusCode()).isEqualTo(200);
      assertThat(actions(JSON.readTree(removed.body()))).containsEntry(b, "REMOVE");
      assertThat(driver.driver().status()).extracting(JobStatus::name).containsExactly(a, c);
      assertThat(work.resolve("checkpoints").resolve(b)).isDirectory();
      assertThat(rows(table(EventType.OPENED))).isPositive();
      assertThat(driver.driver().status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(JobState.RUNNING));
      String metrics = scrape(driver);
      assertThat(metrics).doesNotContain("job=\"" + b + "\"").contains("convoy_job_state{job=\"" + c + "\",state=\"RUNNING\"} 1");
      assertThat(driver.stop()).isTrue();
    }
  }

  private static String scrape(RunCommand.Running driver) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create(driver.control().address() + "/metrics")).GET().build();
    return HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void aRefusedChangeAppliesNothingAndLeavesEveryJobRunning() throws Exception {
    stream(EventType.SENT);
    stream(EventType.BOUNCED);
    Map<String, String> sent = job(EventType.SENT, "trigger: 500ms");
    Map<String, String> bounced = job(EventType.BOUNCED, "trigger: 500ms");
    String first = yaml(2, sent, bounced);
    produce(List.of(EventType.SENT, EventType.BOUNCED), 200);
    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", first, env()), env())) {
      String a = name(EventType.SENT);
      String b = name(EventType.BOUNCED);
      await().atMost(Duration.ofMinutes(2)).until(() -> driver.driver().status().stream().allMatch(s -> s.lastBatchId() >= 0));
      String token = Files.readString(driver.stateDir().resolve("control.token")).strip();

      // b's trigger is safe, but a's new stream and a Spark setting are not: nothing is applied.
      Map<String, String> otherStream = new LinkedHashMap<>(sent);
      otherStream.put("stream", "some-other-stream");
      String refused = yaml(2, otherStream, job(EventType.BOUNCED, "trigger: 2s"))
          .replace("spark.ui.enabled: \"false\"", "spark.ui.enabled: \"false\", spark.executor.memory: 2g");
      HttpResponse<String> answer = apply(driver, refused, false, token);

      assertThat(answer.statusCode()).isEqualTo(409);
      JsonNode body = JSON.readTree(answer.body());
      assertThat(body.path("applied").asBoolean()).isFalse();
      List<String> fields = new ArrayList<>();
      body.path("plan").path("refusals").forEach(r -> fields.add(r.path("job").asText("") + ":" + r.path("field").asText()));
      assertThat(fields).containsExactlyInAnyOrder(a + ":stream", ":spark.spark.executor.memory");
      assertThat(body.path("plan").path("refusals").toString()).contains("new checkpoint and a new table").contains("step restart");
      assertThat(driver.driver().job(b).settings().trigger()).as("b's safe change was not applied either").isEqualTo(Duration.ofMillis(500));
      assertThat(driver.stateDir().resolve(KeptConfig.TEXT)).doesNotExist();
      long[] batches = driver.driver().status().stream().mapToLong(JobStatus::lastBatchId).toArray();
      produce(List.of(EventType.SENT, EventType.BOUNCED), 100);
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        List<JobStatus> now = driver.driver().status();
        for (int i = 0; i < now.size(); i++) {
          assertThat(now.get(i).state()).isEqualTo(JobState.RUNNING);
          assertThat(now.get(i).lastBatchId()).as("%s keeps committing batches", now.get(i).name()).isGreaterThan(batches[i]);
        }
      });

      // A file start-up would refuse is refused the same way, naming the field; without the token, nothing is read.
      HttpResponse<String> invalid = apply(driver, refused.replace("trigger: 2s", "trigger: soon"), false, token);
      assertThat(invalid.statusCode()).isEqualTo(400);
      assertThat(invalid.body()).contains("job '" + b + "'").contains("'trigger'");
      assertThat(apply(driver, first, true, null).statusCode()).isEqualTo(401);
      assertThat(driver.stop()).isTrue();
    }
  }

  @Test
  void aNewCheckpointIntoANewTableResetsTheJobAloneAndKeepsTheOldTable() throws Exception {
    stream(EventType.UNSUBSCRIBED);
    stream(EventType.SENT);
    Map<String, String> unsubscribed = job(EventType.UNSUBSCRIBED, "trigger: 500ms");
    Map<String, String> sent = job(EventType.SENT, "trigger: 500ms");
    ProduceReport first = produce(List.of(EventType.UNSUBSCRIBED, EventType.SENT), 300);
    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", yaml(2, unsubscribed, sent), env()), env())) {
      String a = name(EventType.UNSUBSCRIBED);
      awaitExact(Map.of(EventType.UNSUBSCRIBED, List.of(first), EventType.SENT, List.of(first)));
      String token = Files.readString(driver.stateDir().resolve("control.token")).strip();
      long oldRows = rows(table(EventType.UNSUBSCRIBED));
      long sentBatch = driver.driver().status(name(EventType.SENT)).lastBatchId();

      // A different aggregation is refused on the old checkpoint, and accepted with a new checkpoint into a new table.
      Map<String, String> regrouped = new LinkedHashMap<>(unsubscribed);
      regrouped.put("extra", "trigger: 500ms\n    aggregation: { dimensions: [campaign_id] }");
      assertThat(apply(driver, yaml(2, regrouped, sent), false, token).statusCode()).isEqualTo(409);
      regrouped.put("table", table(EventType.UNSUBSCRIBED) + "_v2");
      regrouped.put("checkpoint", work.resolve("checkpoints").resolve(a + "-v2").toString());
      HttpResponse<String> reset = apply(driver, yaml(2, regrouped, sent), false, token);

      assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
      assertThat(actions(JSON.readTree(reset.body()))).containsEntry(a, "RESET").containsEntry(name(EventType.SENT), "KEEP");
      // The new table fills afresh from the stream's start (TRIM_HORIZON), one row per campaign and hour.
      long events = first.buckets().entrySet().stream().filter(e -> e.getKey().type() == EventType.UNSUBSCRIBED)
          .mapToLong(e -> e.getValue().onTime() + e.getValue().late()).sum();
      await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> sum(table(EventType.UNSUBSCRIBED) + "_v2") == events);
      assertThat(rows(table(EventType.UNSUBSCRIBED))).as("the old table is kept as it was").isEqualTo(oldRows);
      assertThat(driver.driver().status(name(EventType.SENT)).lastBatchId()).as("the other job kept its query").isGreaterThanOrEqualTo(sentBatch);
      assertThat(driver.driver().status(name(EventType.SENT)).restarts()).isZero();
      assertThat(driver.stop()).isTrue();
    }
  }

  // --- helpers

  private long sum(String table) throws Exception {
    try (Connection c = stack.redshift(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SUM(events) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, String> actions(JsonNode answer) {
    Map<String, String> out = new LinkedHashMap<>();
    answer.path("plan").path("jobs").forEach(j -> out.put(j.path("job").asText(), j.path("action").asText()));
    return out;
  }

  private HttpResponse<String> apply(RunCommand.Running driver, String yaml, boolean dryRun, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(driver.control().address() + "/apply" + (dryRun ? "?dryRun=true" : "")))
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).timeout(Duration.ofMinutes(3));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void stream(EventType t) {
    String stream = "it-apply-" + t.shortName() + "-" + UUID.randomUUID();
    Streams.create(kinesis, stream, 1);
    streams.add(stream);
    streamOf.put(t, stream);
  }

  private String name(EventType t) {
    return t.shortName() + "-" + run;
  }

  private String table(EventType t) {
    return "it_apply_" + run + "_" + t.shortName();
  }

  /** One job's YAML fields; {@code extra} lines are indented under it. */
  private Map<String, String> job(EventType t, String extra) {
    Map<String, String> j = new LinkedHashMap<>();
    j.put("name", name(t));
    j.put("stream", streamOf.get(t));
    j.put("eventType", t.shortName());
    j.put("source", "builtin");
    j.put("table", table(t));
    j.put("extra", extra);
    return j;
  }

  @SafeVarargs
  private String yaml(int maxConcurrent, Map<String, String>... jobs) {
    StringBuilder y = new StringBuilder(LocalStack.driverConfigHead(maxConcurrent, work));
    for (Map<String, String> j : jobs) {
      y.append("  - name: ").append(j.get("name")).append('\n');
      j.forEach((k, v) -> {
        if (!k.equals("name") && !k.equals("extra")) y.append("    ").append(k).append(": ").append(v).append('\n');
      });
      y.append("    ").append(j.get("extra")).append('\n');
    }
    return y.toString();
  }

  private Map<String, String> env() {
    return stack.driverEnv();
  }

  /** {@code count} events of each type into its stream, in the last three hours, none malformed. */
  private ProduceReport produce(List<EventType> types, long count) throws Exception {
    Map<EventType, Double> mix = new EnumMap<>(EventType.class);
    Map<EventType, String> to = new EnumMap<>(EventType.class);
    types.forEach(t -> {
      mix.put(t, 1.0);
      to.put(t, streamOf.get(t));
    });
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    ProducePlan plan = new ProducePlan(to, mix, Optional.of(count * types.size()), Optional.empty(), 0, ThreadLocalRandom.current().nextLong(),
        end.minus(Duration.ofHours(3)), end, 0, Duration.ofHours(48), 0, 200, 80, 3, WireProtocol.COMPACT);
    try (var proxy = stack.streamProxy()) {
      return new Producer(proxy, p -> {}).run(plan);
    }
  }

  /** Waits until each type's table holds exactly the events its reports say were put, per hour. */
  private void awaitExact(Map<EventType, List<ProduceReport>> expected) throws Exception {
    Map<String, Long> want = new TreeMap<>();
    expected.forEach((t, reports) -> {
      for (ProduceReport report : reports) {
        report.buckets().forEach((b, c) -> {
          if (b.type() == t) want.merge(t.shortName() + " " + b.hour(), c.onTime() + c.late(), Long::sum);
        });
      }
    });
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> totals(expected.keySet()).equals(want));
    assertThat(totals(expected.keySet())).isEqualTo(want);
  }

  private Map<String, Long> totals(java.util.Set<EventType> types) throws Exception {
    Map<String, Long> totals = new TreeMap<>();
    var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      for (EventType t : types) {
        try (ResultSet rs = s.executeQuery("SELECT bucket_start, SUM(events) FROM " + table(t) + " GROUP BY bucket_start")) {
          while (rs.next()) totals.put(t.shortName() + " " + rs.getTimestamp(1, utc).toInstant(), rs.getLong(2));
        }
      }
    }
    return totals;
  }

  private long rows(String table) throws Exception {
    try (Connection c = stack.redshift(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

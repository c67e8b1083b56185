package dev.convoy.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.convoy.app.RunCommand;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.control.JobState;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.ProduceReport;
import dev.convoy.tools.Producer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * The example coded job beside a configured one, in one driver, on one stream of email-clicked events:
 * both count every valid click exactly once (the coded job per quarter hour and campaign, the
 * configured one per hour and email), and both keep every malformed record as a dead letter.
 */
class CampaignClicksIT {

  private final LocalStack stack = LocalStack.fromEnvironment();
  private final KinesisClient kinesis = stack.kinesis();
  private final String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private final String stream = "it-coded-clicked-" + UUID.randomUUID();
  @TempDir Path work;

  @AfterEach
  void cleanUp() {
    Streams.deleteQuietly(kinesis, stream);
    kinesis.close();
  }

  @Test
  void aCodedJobRunsBesideAConfiguredOneAndBothAreExact() throws Exception {
    Streams.create(kinesis, stream, 2);
    String coded = "it_coded_" + run + "_quarters";
    String configured = "it_coded_" + run + "_hourly";
    String yaml = LocalStack.driverConfigHead(2, work) + """
          - name: campaign-clicks
            code: dev.convoy.examples.CampaignClicks
            stream: %s
            source: builtin
            table: %s
            trigger: 500ms
          - name: clicked-hourly
            stream: %s
            eventType: clicked
            source: builtin
            table: %s
            trigger: 500ms
        """.formatted(stream, coded, stream, configured);
    Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    ProducePlan plan = new ProducePlan(Map.of(EventType.CLICKED, stream), Map.of(EventType.CLICKED, 1.0), Optional.of(1_200L),
        Optional.empty(), 0, ThreadLocalRandom.current().nextLong(), to.minus(Duration.ofHours(3)), to, 0, Duration.ofHours(48), 0.03,
        200, 80, 4, WireProtocol.COMPACT);
    ProduceReport report;
    try (var proxy = stack.streamProxy()) {
      report = new Producer(proxy, p -> {}).run(plan);
    }
    Map<String, Long> perHour = new TreeMap<>();
    report.buckets().forEach((b, c) -> perHour.merge(b.hour().toString(), c.onTime() + c.late(), Long::sum));
    long malformed = report.malformed().values().stream().mapToLong(Long::longValue).sum();
    assertThat(malformed).isPositive();

    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("test", yaml, stack.driverEnv()), stack.driverEnv())) {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
        assertThat(perHour(coded, "clicks", "quarter_start")).as("the coded job's quarters, rolled up").isEqualTo(perHour);
        assertThat(perHour(configured, "events", "bucket_start")).as("the configured job's hours").isEqualTo(perHour);
        assertThat(count(coded + "_convoy_dead_letters WHERE payload_part = 0")).isEqualTo(malformed);
        assertThat(count(configured + "_convoy_dead_letters WHERE payload_part = 0")).isEqualTo(malformed);
      });
      assertThat(count(coded)).as("one row per quarter hour and campaign, so more rows than hours").isGreaterThan(perHour.size());
      assertThat(driver.driver().status()).allSatisfy(s -> {
        assertThat(s.state()).isEqualTo(JobState.RUNNING);
        assertThat(s.restarts()).isZero();
      });
      assertThat(driver.stop()).isTrue();
    }
  }

  /** Hour → the sum of {@code column}, from rows keyed by a time {@code at} within the hour. */
  private Map<String, Long> perHour(String table, String column, String at) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    var utc = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
    try (Connection c = stack.redshift(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + at + ", " + column + " FROM " + table)) {
      while (rs.next()) out.merge(rs.getTimestamp(1, utc).toInstant().truncatedTo(ChronoUnit.HOURS).toString(), rs.getLong(2), Long::sum);
    }
    return out;
  }

  /** Rows of {@code table} (with an optional WHERE clause). */
  private long count(String table) throws Exception {
    try (Connection c = stack.redshift(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

package dev.convoy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoy.events.EventType;
import dev.convoy.source.SourceChoice;
import dev.convoy.transform.Dimension;
import dev.convoy.transform.Metric;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver's configuration is validated once, at start-up, with the job and field in every error. */
class ConvoyConfigTest {

  private static final Map<String, String> ENV = Map.of("CONVOY_KINESIS_ENDPOINT", "http://127.0.0.1:4568",
      "CONVOY_REDSHIFT_URL", "jdbc:redshift://127.0.0.1:6432/convoy?ssl=false", "USER", "tester");

  private static final String HEAD = """
      redshift: { url: "${CONVOY_REDSHIFT_URL}" }
      kinesis: { region: us-east-1, endpointUrl: "${CONVOY_KINESIS_ENDPOINT}" }
      """;

  @Test
  void theCommittedLocalConfigurationIsValidAndFillsDefaults() {
    ConvoyConfig config = ConvoyConfig.load(Path.of("conf/jobs.local.yaml"), ENV);

    assertThat(config.jobs()).hasSize(5).extracting(JobConfig::eventType).containsExactlyInAnyOrder(EventType.values());
    JobConfig opened = config.jobs().stream().filter(j -> j.name().equals("emails-opened")).findFirst().orElseThrow();
    assertThat(opened.aggregation().window()).isEqualTo(Duration.ofHours(1));
    assertThat(opened.aggregation().watermark()).isEqualTo(Duration.ofHours(24));
    assertThat(opened.aggregation().dimensions()).containsExactly(Dimension.EMAIL_ID, Dimension.CAMPAIGN_ID);
    assertThat(opened.aggregation().metrics()).containsExactly(Metric.EVENTS, Metric.DISTINCT_SUBSCRIBERS);
    assertThat(opened.checkpoint()).isEqualTo("/tmp/convoy-checkpoints/local/emails-opened");
    assertThat(opened.source()).isEqualTo(SourceChoice.BUILTIN);
    assertThat(opened.sourceOptions()).containsEntry("streamName", "convoy-email-opened").containsEntry("endpointUrl", "http://127.0.0.1:4568");
    assertThat(config.maxConcurrentJobs()).isEqualTo(5);
  }

  @Test
  void unknownKeysAreRefusedNamingTheJobAndTheKey() {
    assertThatThrownBy(() -> parse(job("a", "trigerr: 5s")))
        .hasMessageContaining("job 'a'").hasMessageContaining("unknown key 'trigerr'");
    assertThatThrownBy(() -> parse("maxConcurentJobs: 2\n" + job("a", "")))
        .hasMessageContaining("unknown key 'maxConcurentJobs'");
    assertThatThrownBy(() -> parse(job("a", "aggregation: { windw: 1h }")))
        .hasMessageContaining("job 'a' aggregation").hasMessageContaining("unknown key 'windw'");
  }

  @Test
  void badDurationsIdentifiersAndValuesNameTheField() {
    assertThatThrownBy(() -> parse(job("a", "trigger: 5 parsecs"))).hasMessageContaining("job 'a' field 'trigger'").hasMessageContaining("not a duration");
    assertThatThrownBy(() -> parse(job("a", "aggregation: { watermark: soon }"))).hasMessageContaining("field 'watermark'");
    assertThatThrownBy(() -> parse(jobWithTable("a", "Emails-Sent", ""))).hasMessageContaining("job 'a' field 'table'")
        .hasMessageContaining("not a valid identifier");
    assertThatThrownBy(() -> parse(job("a", "eventType: delivered"))).hasMessageContaining("job 'a' field 'eventType'");
    assertThatThrownBy(() -> parse(job("a", "source: kafka"))).hasMessageContaining("job 'a' field 'source'");
    assertThatThrownBy(() -> parse(job("a", "").replace("stream: ", "stream: x<b>"))).hasMessageContaining("job 'a' field 'stream'")
        .hasMessageContaining("not a Kinesis stream name");
    assertThatThrownBy(() -> parse(job("a", "restart: { backoff: 0s }"))).hasMessageContaining("job 'a' restart field 'backoff'")
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> parse(job("a", "restart: { backoff: 5m, maxBackoff: 1m }"))).hasMessageContaining("below its base");
    assertThatThrownBy(() -> parse(job("a", "aggregation: { dimensions: [email_id, country] }"))).hasMessageContaining("'country' is not a dimension");
    assertThatThrownBy(() -> parse(job("a", "sourceOptions: { maxRecordsPerShard: lots }"))).hasMessageContaining("job 'a' field 'sourceOptions'")
        .hasMessageContaining("maxRecordsPerShard");
    assertThatThrownBy(() -> parse(job("Bad Name", ""))).hasMessageContaining("'Bad Name' is not a job name");
  }

  @Test
  void duplicateNamesCheckpointsAndTablesAreRefused() {
    assertThatThrownBy(() -> parse(job("a", "") + jobWithTable("a", "other", "").replace("jobs:\n", "")))
        .hasMessageContaining("job 'a' field 'name'");
    assertThatThrownBy(() -> parse(job("a", "checkpoint: /tmp/cp") + jobWithTable("b", "other", "checkpoint: /tmp/cp").replace("jobs:\n", "")))
        .hasMessageContaining("job 'b' field 'checkpoint': '/tmp/cp' is also job 'a''s checkpoint");
    assertThatThrownBy(() -> parse(job("a", "") + job("b", "").replace("jobs:\n", "")))
        .hasMessageContaining("job 'b' field 'table'");
  }

  @Test
  void warehouseLimitsHaveDefaultsAndAConfigNeedingMoreConnectionsThanTheBudgetFailsAtStartUp() {
    ConvoyConfig defaults = parse(job("a", ""));
    assertThat(defaults.warehouse()).isEqualTo(new ConvoyConfig.Warehouse(500, Duration.ofHours(2), Duration.ofDays(7)));
    String twoJobs = job("a", "") + jobWithTable("b", "other", "").replace("jobs:\n", "");
    String budgetOfTwo = HEAD.replace("redshift: { url: \"${CONVOY_REDSHIFT_URL}\" }",
        "redshift: { url: \"${CONVOY_REDSHIFT_URL}\", maxConnections: 2, outageLimit: 30m, ledgerRetention: 2d }");
    assertThatThrownBy(() -> ConvoyConfig.parse("test", budgetOfTwo + twoJobs, ENV))
        .hasMessageContaining("redshift field 'maxConnections'").hasMessageContaining("2 jobs need 3 warehouse connections")
        .hasMessageContaining("the budget is 2");
    ConvoyConfig one = ConvoyConfig.parse("test", budgetOfTwo + job("a", ""), ENV);
    assertThat(one.warehouse()).isEqualTo(new ConvoyConfig.Warehouse(2, Duration.ofMinutes(30), Duration.ofDays(2)));
    assertThatThrownBy(() -> ConvoyConfig.parse("test", HEAD.replace("}\nkinesis", ", outageLimit: 20h }\nkinesis") + job("a", ""), ENV))
        .hasMessageContaining("redshift field 'outageLimit'").hasMessageContaining("Kinesis retention");
  }

  @Test
  void tableNamesMustLeaveRoomForTheirLedgerAndAvoidRedshiftsReservedWords() {
    assertThatThrownBy(() -> parse(jobWithTable("a", "t".repeat(108), ""))).hasMessageContaining("job 'a' field 'table'")
        .hasMessageContaining("at most 107");
    assertThat(parse(jobWithTable("a", "t".repeat(107), "")).jobs().getFirst().table().table().value()).hasSize(107);
    assertThatThrownBy(() -> parse(jobWithTable("a", "analytics.percent", ""))).hasMessageContaining("job 'a' field 'table'")
        .hasMessageContaining("'percent' is a reserved word in Amazon Redshift");
  }

  @Test
  void aMissingEnvironmentVariableIsNamed() {
    assertThatThrownBy(() -> ConvoyConfig.parse("test", HEAD + job("a", ""),
        Map.of("USER", "x", "CONVOY_KINESIS_ENDPOINT", "http://127.0.0.1:4568")))
        .hasMessageContaining("redshift field 'url': environment variable CONVOY_REDSHIFT_URL is not set");
  }

  @Test
  void aFreshnessTargetSetsTheTriggerToHalfOfIt() {
    assertThat(parse(job("a", "freshness: 1m")).jobs().getFirst().trigger()).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse(job("a", "")).jobs().getFirst().trigger()).isEqualTo(Duration.ofSeconds(10)); // the declared default trigger

    // The top-level freshness is every job's that sets neither; a job's own trigger or freshness wins.
    ConvoyConfig config = parse("freshness: 2m\njobs:\n"
        + "  - { name: a, stream: s, eventType: sent, table: t_a }\n"
        + "  - { name: b, stream: s, eventType: sent, table: t_b, trigger: 5s }\n"
        + "  - { name: c, stream: s, eventType: sent, table: t_c, freshness: 20s }\n");
    assertThat(config.jobs()).extracting(JobConfig::trigger)
        .containsExactly(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void aFreshnessTargetAndATriggerTogetherOrTooShortAreRefusedNamingTheField() {
    assertThatThrownBy(() -> parse(jobWithTable("a", "t_a", "trigger: 5s\n    freshness: 1m")))
        .hasMessageContaining("job 'a' field 'freshness'").hasMessageContaining("not both");
    assertThatThrownBy(() -> parse(job("a", "freshness: 1s"))).hasMessageContaining("job 'a' field 'freshness'")
        .hasMessageContaining("at least 2s");
    assertThatThrownBy(() -> parse("freshness: soon\n" + job("a", ""))).hasMessageContaining("field 'freshness'")
        .hasMessageContaining("not a duration");
  }

  private static ConvoyConfig parse(String body) {
    return ConvoyConfig.parse("test", HEAD + body, ENV);
  }

  @Test
  void aCodedJobNamesAClassThatIsACodedJobAndNoneOfTheBucketKeys() {
    ConvoyConfig config = parse("jobs:\n  - { name: clicks, code: dev.convoy.examples.CampaignClicks, stream: s, table: t_clicks }\n");
    JobConfig coded = config.jobs().getFirst();
    assertThat(coded.code()).contains("dev.convoy.examples.CampaignClicks");
    assertThat(coded.eventType()).isNull();
    assertThat(coded.aggregation()).isNull();

    assertThatThrownBy(() -> parse("jobs:\n  - { name: a, code: com.example.Missing, stream: s, table: t }\n"))
        .hasMessageContaining("job 'a' field 'code'").hasMessageContaining("no class com.example.Missing");
    assertThatThrownBy(() -> parse("jobs:\n  - { name: a, code: java.lang.String, stream: s, table: t }\n"))
        .hasMessageContaining("is not a dev.convoy.job.CodedJob");
    assertThatThrownBy(() -> parse("jobs:\n  - { name: a, code: dev.convoy.examples.CampaignClicks, stream: s, table: t, eventType: clicked }\n"))
        .hasMessageContaining("job 'a' field 'eventType'").hasMessageContaining("remove 'eventType'");
  }

  private static String job(String name, String extra) {
    return jobWithTable(name, "t_hourly", extra);
  }

  private static String jobWithTable(String name, String table, String extra) {
    return "jobs:\n  - name: " + name + "\n    stream: s\n    eventType: sent\n    table: " + table + "\n"
        + (extra.isEmpty() ? "" : "    " + extra + "\n");
  }
}

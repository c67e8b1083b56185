package dev.convoy.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoy.plan.Plan;
import dev.convoy.plan.Plan.Action;
import dev.convoy.plan.Plan.JobPlan;
import dev.convoy.plan.Plan.Refusal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What applying a new configuration to a running driver does, and what it refuses. */
class PlannerTest {

  private static final Map<String, String> ENV = Map.of("USER", "tester");

  private static final String HEAD = """
      checkpointRoot: /tmp/cp
      redshift: { url: "jdbc:redshift://127.0.0.1:6432/convoy?ssl=false" }
      kinesis: { region: us-east-1, endpointUrl: "http://127.0.0.1:4568" }
      spark: { spark.master: "local[2]" }
      jobs:
      """;

  private static String job(String name, String table, String extra) {
    return "  - { name: " + name + ", stream: s-" + name + ", eventType: sent, table: " + table + (extra.isEmpty() ? "" : ", " + extra) + " }\n";
  }

  private static ConvoyConfig withTop(String top, String... jobs) {
    return ConvoyConfig.parse("test", top + HEAD + String.join("", jobs), ENV);
  }

  private static ConvoyConfig config(String... jobs) {
    return withTop("", jobs);
  }

  private static JobPlan line(Plan plan, String job) {
    return plan.jobs().stream().filter(j -> j.job().equals(job)).findFirst().orElseThrow();
  }

  @Test
  void theSameFileChangesNothing() {
    Plan plan = Planner.plan(config(job("a", "t_a", ""), job("b", "t_b", "")), config(job("a", "t_a", ""), job("b", "t_b", "")));

    assertThat(plan.jobs()).extracting(JobPlan::action).containsExactly(Action.KEEP, Action.KEEP);
    assertThat(plan.changesNothing()).isTrue();
    assertThat(plan.refused()).isFalse();
  }

  @Test
  void addedAndRemovedJobsAreNamedAndARemovedJobKeepsItsCheckpointAndTable() {
    Plan plan = Planner.plan(config(job("a", "t_a", ""), job("b", "t_b", "")), config(job("a", "t_a", ""), job("c", "t_c", "")));

    assertThat(plan.jobs()).extracting(JobPlan::job, JobPlan::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", Action.KEEP), org.assertj.core.groups.Tuple.tuple("c", Action.ADD),
            org.assertj.core.groups.Tuple.tuple("b", Action.REMOVE));
    assertThat(line(plan, "b").note()).contains("/tmp/cp/b").contains("t_b").contains("kept");
    assertThat(plan.refused()).isFalse();
  }

  @Test
  void safeChangesRestartTheJobAloneAndListEachField() {
    Plan plan = Planner.plan(config(job("a", "t_a", ""), job("b", "t_b", "")),
        config(job("a", "t_a", "trigger: 30s, weight: 3, restart: { maxRestarts: 9 }, sourceOptions: { maxRecordsPerShard: 500 }"),
            job("b", "t_b", "")));

    assertThat(line(plan, "a").action()).isEqualTo(Action.RESTART);
    assertThat(line(plan, "a").changes()).contains("trigger: 10s -> 30s", "weight: 1 -> 3", "restart.maxRestarts: 5 -> 9")
        .anyMatch(c -> c.startsWith("sourceOptions.maxRecordsPerShard: "));
    assertThat(line(plan, "b").action()).isEqualTo(Action.KEEP);
    assertThat(plan.refused()).isFalse();
  }

  @Test
  void changesTheCheckpointCannotSurviveAreRefusedNamingTheFieldAndTheWayOut() {
    Plan plan = Planner.plan(config(job("a", "t_a", "")),
        config(job("a", "t_a", "stream: other, shufflePartitions: 4, aggregation: { dimensions: [campaign_id] }, "
            + "sourceOptions: { region: eu-west-1 }")));

    assertThat(plan.refusals()).extracting(Refusal::field)
        .containsExactlyInAnyOrder("stream", "shufflePartitions", "aggregation.dimensions", "sourceOptions.region");
    assertThat(plan.refusals()).allSatisfy(r -> assertThat(r.reason()).contains("new checkpoint and a new table").contains("new name"));
    assertThat(plan.describe()).contains("refused: job 'a' field 'stream'");
  }

  @Test
  void aNewTableAloneOrANewCheckpointAloneIsRefused() {
    Plan table = Planner.plan(config(job("a", "t_a", "")), config(job("a", "t_a2", "")));
    Plan checkpoint = Planner.plan(config(job("a", "t_a", "")), config(job("a", "t_a", "checkpoint: /tmp/cp/a2")));

    assertThat(table.refusals()).extracting(Refusal::field).containsExactly("table");
    assertThat(checkpoint.refusals()).extracting(Refusal::field).containsExactly("checkpoint");
  }

  @Test
  void aNewCheckpointIntoANewTableIsAResetThatMayChangeAnything() {
    Plan plan = Planner.plan(config(job("a", "t_a", "")),
        config(job("a", "t_a2", "checkpoint: /tmp/cp/a2, shufflePartitions: 4, aggregation: { dimensions: [campaign_id] }")));

    assertThat(plan.refused()).isFalse();
    assertThat(line(plan, "a").action()).isEqualTo(Action.RESET);
    assertThat(line(plan, "a").note()).contains("/tmp/cp/a").contains("t_a").contains("kept");
  }

  @Test
  void anotherJobsTableOrCheckpointIsRefusedButARenameThatTakesBothIsNot() {
    ConvoyConfig running = config(job("a", "t_a", ""), job("b", "t_b", ""));

    Plan intoUsedTable = Planner.plan(running, config(job("a", "t_a", ""), job("c", "t_b", "")));
    Plan rename = Planner.plan(running, config(job("a", "t_a", ""), job("c", "t_b", "checkpoint: /tmp/cp/b")));

    assertThat(intoUsedTable.refusals()).extracting(Refusal::job, Refusal::field)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c", "table"));
    assertThat(intoUsedTable.refusals().getFirst().reason()).contains("job 'b'").contains("ledger");
    assertThat(rename.refused()).isFalse();
    assertThat(line(rename, "c").note()).contains("takes over job 'b'");
    assertThat(line(rename, "b").action()).isEqualTo(Action.REMOVE);
  }

  @Test
  void aCodedJobsClassIsBoundToItsCheckpointLikeAnAggregation() {
    String coded = "  - { name: a, code: dev.convoy.examples.CampaignClicks, stream: s-a, table: t_a }\n";
    Plan plan = Planner.plan(config(job("a", "t_a", "")), config(coded));

    assertThat(plan.refusals()).extracting(Refusal::field).contains("code");
    assertThat(line(Planner.plan(config(coded), config(coded.replace("t_a", "t_a2").replace("}", ", checkpoint: /tmp/cp/a2 }"))), "a").action())
        .isEqualTo(Action.RESET);
  }

  @Test
  void driverWideSettingsNeedAStepRestartButMaxConcurrentJobsChangesLive() {
    ConvoyConfig running = config(job("a", "t_a", ""));

    Plan jobs = Planner.plan(running, withTop("maxConcurrentJobs: 3\n", job("a", "t_a", "")));
    Plan spark = Planner.plan(running, withTop("control: { port: 9999 }\nmaxConcurrentBatches: 2\n", job("a", "t_a", "")));

    assertThat(jobs.refused()).isFalse();
    assertThat(jobs.changesNothing()).isFalse();
    assertThat(jobs.describe()).contains("maxConcurrentJobs 1 -> 3");
    assertThat(spark.refusals()).extracting(Refusal::field).containsExactlyInAnyOrder("control", "maxConcurrentBatches");
    assertThat(spark.refusals()).allSatisfy(r -> assertThat(r.reason()).contains("step restart"));
  }
}

package dev.convoy.app;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoy.cli.Args;
import dev.convoy.cli.Command;
import dev.convoy.cli.CommandFailed;
import dev.convoy.cli.Option;
import dev.convoy.cli.Subcommand;
import dev.convoy.cli.UsageException;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.control.JobStatus;
import dev.convoy.plan.Plan;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/convoy jobs | stop JOB | start JOB | restart JOB | apply --config FILE}: talks to a running
 * driver's control endpoint, found (with its token) in the driver's state folder, and prints a table
 * or the plan.
 */
final class ControlCommand {

  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final String WHERE = """
      The driver writes its address and token into its state folder (control.stateDir in the config,
      default /tmp/convoy-driver-$USER); CONVOY_CONTROL_URL and CONVOY_CONTROL_TOKEN override them.""";

  private static List<Option> endpoint(Option... more) {
    List<Option> options = new java.util.ArrayList<>(List.of(more));
    options.add(Option.value("url", "URL", null, "the control endpoint (default: from the state folder, or $CONVOY_CONTROL_URL)"));
    options.add(Option.value("state-dir", "DIR", null, "the driver's state folder (default: $CONVOY_STATE_DIR, else /tmp/convoy-driver-$USER)"));
    return options;
  }

  static final Command JOBS = new Command("jobs", "jobs [--url URL] [--state-dir DIR]",
      "The running driver's jobs: state, last batch, rates, lag, late events, dead letters, warehouse writes,\n"
          + "restarts, and what a batch waits for or the last error. Needs no token.\n" + WHERE, endpoint());

  static final String APPLY_ABOUT = """
      Changes the running driver's jobs to those of FILE without a step restart. FILE is validated with
      the same rules as start-up; then the plan is printed, job by job:
        + add      a new job starts (PENDING while every maxConcurrentJobs slot is taken)
        - remove   a job gone from FILE stops; its checkpoint and table are kept
        ~ restart  trigger, weight, restart policy, wire protocol or read limits changed: it restarts alone
        ! reset    a new checkpoint into a new table: it starts afresh there
          keep     unchanged jobs are not touched
      and maxConcurrentJobs changes live. A change the job's checkpoint cannot survive (stream, event type,
      source, aggregation, shuffle partitions, a new table or checkpoint alone) or a driver-wide setting
      (spark.*, redshift, control, maxConcurrentBatches) is refused, naming the field, and then nothing is
      applied. The driver keeps what it applied in its state folder, so a step restart with an unchanged
      start file resumes it. Exit code: 0 applied (or planned, with --dry-run), 1 refused or failed,
      2 FILE is not a valid config.""";

  static final Command APPLY = new Command("apply", "apply --config FILE [--dry-run] [--url URL] [--state-dir DIR]", APPLY_ABOUT,
      endpoint(Option.value("config", "FILE", null, "the new configuration"), Option.flag("dry-run", "print the plan, change nothing")));

  /** stop, start and restart: one job each, with the token. */
  static Subcommand action(String action, String what) {
    Command command = new Command(action, action + " JOB [--url URL] [--state-dir DIR]", what + "\n" + WHERE, endpoint(), List.of("JOB"));
    return Subcommand.of(command, args -> {
      Endpoint e = Endpoint.of(args);
      HttpRequest request = HttpRequest.newBuilder(e.uri("/jobs/" + args.positional("JOB") + "/" + action))
          .header("Authorization", "Bearer " + e.token()).timeout(Duration.ofMinutes(2))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      JsonNode body = e.send(request, action);
      System.out.print(table(List.of(JSON.treeToValue(body, JobStatus.class))));
      return 0;
    });
  }

  static Subcommand jobs() {
    return Subcommand.of(JOBS, args -> {
      Endpoint e = Endpoint.of(args);
      JsonNode body = e.send(HttpRequest.newBuilder(e.uri("/jobs")).GET().build(), "jobs");
      System.out.print(table(JSON.convertValue(body, new TypeReference<List<JobStatus>>() {})));
      return 0;
    });
  }

  static Subcommand apply() {
    return Subcommand.of(APPLY, args -> apply(args, System.out));
  }

  /** Where the running driver listens, and its token. */
  private record Endpoint(String url, Path stateDir, HttpClient http) {

    static Endpoint of(Args args) {
      Map<String, String> env = System.getenv();
      String dir = args.get("state-dir") != null ? args.get("state-dir") : env.get("CONVOY_STATE_DIR");
      Path stateDir = dir != null ? Path.of(dir) : ConvoyConfig.defaultStateDir(env);
      String url = args.get("url") != null ? args.get("url") : env.get("CONVOY_CONTROL_URL");
      if (url == null) url = readOrExplain(stateDir.resolve("control.url"));
      return new Endpoint(url, stateDir, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    URI uri(String path) {
      return URI.create(url + path);
    }

    String token() {
      String token = System.getenv("CONVOY_CONTROL_TOKEN");
      return token != null ? token : readOrExplain(stateDir.resolve("control.token"));
    }

    HttpResponse<String> exchange(HttpRequest request) throws InterruptedException {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new CommandFailed(1, "no driver answers at " + url + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
            + "); is 'bin/convoy run' running? Start it with 'bin/convoy run --config conf/jobs.local.yaml'.");
      }
    }

    /** The answer's JSON, or a failure naming what the driver said. */
    JsonNode send(HttpRequest request, String what) throws InterruptedException, IOException {
      HttpResponse<String> response = exchange(request);
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200) {
        throw new CommandFailed(1, what + " failed (" + response.statusCode() + "): " + body.path("error").asText(response.body()));
      }
      return body;
    }
  }

  /** {@code apply --config FILE [--dry-run]}: prints the plan and returns the exit code. */
  static int apply(Args args, PrintStream out) throws Exception {
    Path file = Path.of(args.require("config"));
    boolean dryRun = args.has("dry-run");
    if (!Files.isReadable(file)) throw new UsageException("cannot read " + file);
    Endpoint e = Endpoint.of(args);
    HttpRequest request = HttpRequest.newBuilder(e.uri("/apply" + (dryRun ? "?dryRun=true" : "")))
        .header("Authorization", "Bearer " + e.token()).header("Content-Type", "application/yaml")
        .timeout(Duration.ofMinutes(5)) // changed jobs stop gracefully, each within a minute, in parallel
        .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
    HttpResponse<String> response = e.exchange(request);
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() == 400) throw new CommandFailed(2, file + " is not a valid config: " + body.path("error").asText());
    if (response.statusCode() != 200 && response.statusCode() != 409) {
      throw new CommandFailed(1, "failed (" + response.statusCode() + "): " + body.path("error").asText(response.body())
          + "; see 'bin/convoy jobs' for where each job is now");
    }
    Plan plan = JSON.treeToValue(body.path("plan"), Plan.class);
    out.println("plan for " + file + " on the driver at " + e.url() + ":");
    out.print(plan.describe());
    if (plan.refused()) {
      throw new CommandFailed(1, "refused, nothing was applied. Fix the fields named above (docs/runbook.md, \"Change a job\") and apply again.");
    }
    if (dryRun) out.println("dry run: nothing was changed; apply it with 'bin/convoy apply --config " + file + "'.");
    else if (plan.changesNothing()) out.println("nothing to change.");
    else out.println("applied. Watch the jobs with 'bin/convoy jobs'.");
    return 0;
  }

  /** The jobs' status as on-call reads it: one line per job. */
  static String table(List<JobStatus> jobs) {
    StringBuilder out = new StringBuilder(String.format("%-18s %-10s %6s %-20s %9s %9s %8s %7s %6s %8s %6s %6s %8s %8s %5s %8s %4s  %s%n",
        "JOB", "STATE", "BATCH", "LAST BATCH (UTC)", "IN ROWS/S", "PROC/S", "BATCH MS", "WAIT S", "AGE S", "LAG MS", "LATE", "DEAD",
        "INSERTED", "UPDATED", "RETRY", "WRITE MS", "RST", "WAITING FOR / LAST ERROR"));
    for (JobStatus j : jobs) {
      long age = j.lastBatchAgeMs();
      out.append(String.format("%-18s %-10s %6d %-20s %9.1f %9.1f %8d %7d %6s %8d %6d %6d %8d %8d %5d %8d %4d  %s%n", j.name(), j.state(),
          j.lastBatchId(), j.lastBatchTime() == null ? "-" : j.lastBatchTime().replace(".000Z", "Z"), j.inputRowsPerSecond(),
          j.processedRowsPerSecond(), j.batchDurationMs(), j.clusterWaitMs() / 1000, age < 0 ? "-" : Long.toString(age / 1000), j.sourceLagMs(),
          j.lateEvents(), j.deadLetters(), j.sink().rowsInserted(), j.sink().rowsUpdated(), j.sink().retries(), j.sink().lastBatchMillis(),
          j.restarts(), lastColumn(j)));
    }
    return out.toString();
  }

  /** A batch waiting for the warehouse says so first: that is what on-call needs to see. */
  private static String lastColumn(JobStatus j) {
    if (j.waitingSince() != null) {
      Duration waited = Duration.between(Instant.parse(j.waitingSince()), Instant.now());
      return "WAITING " + waited.toSeconds() + " s: " + j.waitingFor();
    }
    return j.lastError() == null ? "" : j.lastError();
  }

  private static String readOrExplain(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new CommandFailed(1, file + " not found: no driver runs with this state folder. Start one with "
          + "'bin/convoy run --config conf/jobs.local.yaml', or pass --state-dir / --url.");
    }
  }

  private ControlCommand() {}
}

package dev.convoy.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoy.plan.Plan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/convoy jobs | stop NAME | start NAME | restart NAME | apply --config FILE}: talks to a running driver's control
 * endpoint, found (with its token) in the driver's state folder, and prints a table.
 */
public final class ControlCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ControlCommand() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    Path stateDir = Path.of(System.getenv().getOrDefault("CONVOY_STATE_DIR", "/tmp/convoy-driver-" + System.getenv().getOrDefault("USER", "convoy")));
    String url = System.getenv("CONVOY_CONTROL_URL");
    for (int i = 0; i < rest.size(); i++) {
      if (rest.get(i).equals("--state-dir") && i + 1 < rest.size()) { stateDir = Path.of(rest.remove(i + 1)); rest.remove(i--); }
      else if (rest.get(i).equals("--url") && i + 1 < rest.size()) { url = rest.remove(i + 1); rest.remove(i--); }
    }
    if (rest.isEmpty() || rest.getFirst().equals("--help") || rest.getFirst().equals("-h")) {
      System.out.println("""
          usage: bin/convoy jobs [--url URL] [--state-dir DIR]
                 bin/convoy stop|start|restart JOB [--url URL] [--state-dir DIR]
                 bin/convoy apply --config FILE [--dry-run] [--url URL] [--state-dir DIR]   (apply --help)

          Talks to the control endpoint of a running driver ('bin/convoy run'). The driver writes its
          address and token into its state folder (control.stateDir in the config, default
          /tmp/convoy-driver-$USER); CONVOY_CONTROL_URL and CONVOY_CONTROL_TOKEN override them.""");
      return;
    }
    if (rest.getFirst().equals("apply") && rest.contains("--help")) {
      System.out.println(APPLY_HELP);
      return;
    }
    if (url == null) url = readOrExplain(stateDir.resolve("control.url"));
    String token = System.getenv("CONVOY_CONTROL_TOKEN");
    String command = rest.getFirst();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request;
    if (command.equals("apply")) {
      if (token == null) token = readOrExplain(stateDir.resolve("control.token"));
      System.exit(apply(http, url, token, rest.subList(1, rest.size())));
      return;
    } else if (command.equals("jobs")) {
      request = HttpRequest.newBuilder(URI.create(url + "/jobs")).GET().build();
    } else if (List.of("stop", "start", "restart").contains(command) && rest.size() == 2) {
      if (token == null) token = readOrExplain(stateDir.resolve("control.token"));
      request = HttpRequest.newBuilder(URI.create(url + "/jobs/" + rest.get(1) + "/" + command))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(2))
          .POST(HttpRequest.BodyPublishers.noBody()).build();
    } else {
      System.err.println("convoy: unknown control command '" + String.join(" ", rest) + "'; see bin/convoy jobs --help");
      System.exit(2);
      return;
    }
    HttpResponse<String> response = send(http, request, url);
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println("convoy: " + command + " failed (" + response.statusCode() + "): " + body.path("error").asText(response.body()));
      System.exit(1);
    }
    System.out.print(table(body.isArray() ? body : JSON.createArrayNode().add(body)));
  }

  static final String APPLY_HELP = """
      usage: bin/convoy apply --config FILE [--dry-run] [--url URL] [--state-dir DIR]

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

  /** {@code apply --config FILE [--dry-run]}: prints the plan and returns the exit code. */
  private static int apply(HttpClient http, String url, String token, List<String> args) throws Exception {
    Path file = null;
    boolean dryRun = false;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--dry-run" -> dryRun = true;
        case "--config" -> {
          if (i + 1 >= args.size()) return usage("--config needs a file");
          file = Path.of(args.get(++i));
        }
        default -> {
          return usage("unknown argument '" + args.get(i) + "'");
        }
      }
    }
    if (file == null) return usage("--config FILE is required");
    if (!Files.isReadable(file)) return usage("cannot read " + file);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/apply" + (dryRun ? "?dryRun=true" : "")))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
        .timeout(Duration.ofMinutes(5)) // changed jobs stop gracefully, each within a minute, in parallel
        .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
    HttpResponse<String> response = send(http, request, url);
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() == 400) {
      System.err.println("convoy apply: " + file + " is not a valid config: " + body.path("error").asText());
      return 2;
    }
    if (response.statusCode() != 200 && response.statusCode() != 409) {
      System.err.println("convoy apply: failed (" + response.statusCode() + "): " + body.path("error").asText(response.body())
          + "; see 'bin/convoy jobs' for where each job is now");
      return 1;
    }
    Plan plan = JSON.treeToValue(body.path("plan"), Plan.class);
    System.out.println("plan for " + file + " on the driver at " + url + ":");
    System.out.print(plan.describe());
    if (plan.refused()) {
      System.err.println("convoy apply: refused, nothing was applied. Fix the fields named above (docs/runbook.md, \"Change a job\") "
          + "and apply again.");
      return 1;
    }
    if (dryRun) System.out.println("dry run: nothing was changed; apply it with 'bin/convoy apply --config " + file + "'.");
    else if (plan.changesNothing()) System.out.println("nothing to change.");
    else System.out.println("applied. Watch the jobs with 'bin/convoy jobs'.");
    return 0;
  }

  private static int usage(String message) {
    System.err.println("convoy apply: " + message + "; see bin/convoy apply --help");
    return 2;
  }

  public static String table(JsonNode jobs) {
    StringBuilder out = new StringBuilder(String.format("%-18s %-10s %6s %-20s %9s %9s %8s %7s %6s %8s %6s %6s %8s %8s %5s %8s %4s  %s%n",
        "JOB", "STATE", "BATCH", "LAST BATCH (UTC)", "IN ROWS/S", "PROC/S", "BATCH MS", "WAIT S", "AGE S", "LAG MS", "LATE", "DEAD",
        "INSERTED", "UPDATED", "RETRY", "WRITE MS", "RST", "WAITING FOR / LAST ERROR"));
    for (JsonNode j : jobs) {
      long age = j.path("lastBatchAgeMs").asLong(-1);
      JsonNode sink = j.path("sink");
      out.append(String.format("%-18s %-10s %6d %-20s %9.1f %9.1f %8d %7d %6s %8d %6d %6d %8d %8d %5d %8d %4d  %s%n", j.path("name").asText(), j.path("state").asText(),
          j.path("lastBatchId").asLong(), j.path("lastBatchTime").asText("-").replace(".000Z", "Z"), j.path("inputRowsPerSecond").asDouble(),
          j.path("processedRowsPerSecond").asDouble(), j.path("batchDurationMs").asLong(), j.path("clusterWaitMs").asLong() / 1000,
          age < 0 ? "-" : Long.toString(age / 1000), j.path("sourceLagMs").asLong(),
          j.path("lateEvents").asLong(), j.path("deadLetters").asLong(), sink.path("rowsInserted").asLong(), sink.path("rowsUpdated").asLong(),
          sink.path("retries").asLong(), sink.path("lastBatchMillis").asLong(), j.path("restarts").asInt(),
          lastColumn(j)));
    }
    return out.toString();
  }

  /** A batch waiting for the warehouse says so first: that is what on-call needs to see. */
  private static String lastColumn(JsonNode j) {
    JsonNode since = j.path("waitingSince");
    if (!since.isMissingNode() && !since.isNull()) {
      Duration waited = Duration.between(Instant.parse(since.asText()), Instant.now());
      return "WAITING " + waited.toSeconds() + " s: " + j.path("waitingFor").asText();
    }
    return j.path("lastError").isNull() ? "" : j.path("lastError").asText();
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request, String url) throws InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      System.err.println("convoy: no driver answers at " + url + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "); is 'bin/convoy run' running? Start it with 'bin/convoy run --config conf/jobs.local.yaml'.");
      System.exit(1);
      return null;
    }
  }

  private static String readOrExplain(Path file) throws java.io.IOException {
    if (!Files.isReadable(file)) {
      System.err.println("convoy: " + file + " not found: no driver runs with this state folder. Start one with "
          + "'bin/convoy run --config conf/jobs.local.yaml', or pass --state-dir / --url.");
      System.exit(1);
    }
    return Files.readString(file).strip();
  }
}

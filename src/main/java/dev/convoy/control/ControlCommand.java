package dev.convoy.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code bin/convoy jobs | stop NAME | start NAME | restart NAME}: talks to a running driver's control
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

          Talks to the control endpoint of a running driver ('bin/convoy run'). The driver writes its
          address and token into its state folder (control.stateDir in the config, default
          /tmp/convoy-driver-$USER); CONVOY_CONTROL_URL and CONVOY_CONTROL_TOKEN override them.""");
      return;
    }
    if (url == null) url = readOrExplain(stateDir.resolve("control.url"));
    String token = System.getenv("CONVOY_CONTROL_TOKEN");
    String command = rest.getFirst();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request;
    if (command.equals("jobs")) {
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
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      System.err.println("convoy: no driver answers at " + url + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "); is 'bin/convoy run' running? Start it with 'bin/convoy run --config conf/jobs.local.yaml'.");
      System.exit(1);
      return;
    }
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println("convoy: " + command + " failed (" + response.statusCode() + "): " + body.path("error").asText(response.body()));
      System.exit(1);
    }
    System.out.print(table(body.isArray() ? body : JSON.createArrayNode().add(body)));
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

  private static String readOrExplain(Path file) throws java.io.IOException {
    if (!Files.isReadable(file)) {
      System.err.println("convoy: " + file + " not found: no driver runs with this state folder. Start one with "
          + "'bin/convoy run --config conf/jobs.local.yaml', or pass --state-dir / --url.");
      System.exit(1);
    }
    return Files.readString(file).strip();
  }
}

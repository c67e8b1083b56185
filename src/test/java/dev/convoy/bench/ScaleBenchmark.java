package dev.convoy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.control.JobStatus;
import dev.convoy.app.RunCommand;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.Producer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * How many jobs one driver holds on this machine: for 1, 10, 50 and 100 jobs (each its own stream,
 * a light trickle of events, a 10 s trigger) in one driver JVM — start-up time, whether every job keeps
 * its trigger, heap and RSS, threads per job, staleness — and the same 10 jobs as 10 one-job drivers.
 * Each measurement runs in a JVM of its own. Writes docs/benchmarks-scale.png. Run with
 * {@code make bench-scale}, or {@code bin/convoy bench --main dev.convoy.bench.ScaleBenchmark 1,10,50,100 60}.
 */
public final class ScaleBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TRIGGER = Duration.ofSeconds(10);

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3]);
      return;
    }
    if (args.length > 0 && args[0].equals("--chart")) { // --chart results.jsonl: redraw from saved results
      List<JsonNode> saved = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of(args[1]))) if (!line.isBlank()) saved.add(JSON.readTree(line));
      chart(saved, Path.of("docs/benchmarks-scale.png"));
      return;
    }
    // Arguments (bin/convoy bench passes them): [sizes, e.g. 1,10,50,100] [seconds per measurement]
    String sizes = args.length > 0 ? args[0] : System.getProperty("sizes", "1,10,50,100");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : Integer.getInteger("seconds", 60);
    List<JsonNode> one = new ArrayList<>();
    for (String n : sizes.split(",")) {
      System.out.printf("one driver, %s jobs: measuring for %d s after start-up…%n", n, seconds);
      one.add(runChildren(1, Integer.parseInt(n.strip()), seconds).getFirst());
      System.out.println("  " + one.getLast());
    }
    System.out.printf("10 one-job drivers side by side: measuring for %d s…%n", seconds);
    List<JsonNode> separate = runChildren(10, 1, seconds);
    long separateRss = separate.stream().mapToLong(j -> j.path("rssMB").asLong()).sum();
    long separateHeap = separate.stream().mapToLong(j -> j.path("heapMB").asLong()).sum();
    JsonNode ten = one.stream().filter(j -> j.path("jobs").asInt() == 10).findFirst().orElse(null);

    System.out.printf("%n%5s %10s %10s %8s %8s %12s %14s %14s%n", "jobs", "start (s)", "on-time", "heap MB", "RSS MB",
        "threads/job", "staleness (s)", "source lag ms");
    for (JsonNode j : one) {
      System.out.printf("%5d %10.1f %9.0f%% %8d %8d %12.1f %14.1f %14d%n", j.path("jobs").asInt(), j.path("startupSec").asDouble(),
          100 * j.path("onTimeShare").asDouble(), j.path("heapMB").asLong(), j.path("rssMB").asLong(), j.path("threadsPerJob").asDouble(),
          j.path("maxStalenessSec").asDouble(), j.path("maxSourceLagMs").asLong());
    }
    System.out.printf("10 separate one-job drivers: RSS %d MB, heap %d MB in total", separateRss, separateHeap);
    if (ten != null) System.out.printf(" — one driver with 10 jobs uses %.1f× less RSS%n", (double) separateRss / ten.path("rssMB").asLong());
    chart(one, Path.of("docs/benchmarks-scale.png"));
    System.out.println("chart: docs/benchmarks-scale.png");
  }

  /** Starts {@code drivers} JVMs of {@code jobs} jobs each, side by side, and collects their results. */
  private static List<JsonNode> runChildren(int drivers, int jobs, int seconds) throws Exception {
    List<Process> processes = new ArrayList<>();
    List<Path> outputs = new ArrayList<>();
    for (int d = 0; d < drivers; d++) {
      Path out = Files.createTempFile("convoy-scale", ".json");
      List<String> command = dev.convoy.testing.ChildJvm.command(ScaleBenchmark.class, "4g",
          "--child", Integer.toString(jobs), Integer.toString(seconds), out.toString());
      processes.add(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("convoy-scale", ".log").toFile()).start());
      outputs.add(out);
    }
    List<JsonNode> results = new ArrayList<>();
    for (int d = 0; d < drivers; d++) {
      if (processes.get(d).waitFor() != 0) throw new IllegalStateException("a measuring JVM failed; its log is in /tmp/convoy-scale*.log");
      results.add(JSON.readTree(Files.readString(outputs.get(d))));
    }
    return results;
  }

  private static void child(int jobs, int seconds, String output) throws Exception {
    LocalStack stack = LocalStack.fromEnvironment();
    String run = "s" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    Path work = Files.createTempDirectory("convoy-scale");
    Map<String, String> env = new HashMap<>(System.getenv());
    List<String> streams = new ArrayList<>();
    try (KinesisClient kinesis = stack.kinesis()) {
      StringBuilder yaml = new StringBuilder("""
          checkpointRoot: %s
          kinesis: { region: us-east-1, endpointUrl: "${CONVOY_KINESIS_ENDPOINT}", startingPosition: TRIM_HORIZON }
          redshift: { url: "${CONVOY_REDSHIFT_URL}" }
          spark: { spark.master: "local[2]", spark.ui.enabled: "false", spark.sql.session.timeZone: UTC }
          control: { port: 0, stateDir: %s }
          jobs:
          """.formatted(work.resolve("cp"), work.resolve("state")));
      for (int i = 0; i < jobs; i++) {
        String stream = "scale-" + run + "-" + i;
        createWhenAllowed(kinesis, stream);
        streams.add(stream);
        // Kinesis (and kinesis-local) allow five streams in CREATING at a time.
        if (streams.size() % 5 == 0) streams.subList(streams.size() - 5, streams.size()).forEach(s -> Streams.awaitActive(kinesis, s));
        yaml.append("""
              - name: job-%d
                stream: %s
                eventType: sent
                source: builtin
                table: scale_%s_%d
                trigger: %ds
                shufflePartitions: 1
            """.formatted(i, stream, run, i, TRIGGER.toSeconds()));
      }
      for (String s : streams) Streams.awaitActive(kinesis, s);
      Thread trickle = Thread.ofVirtual().start(() -> trickle(stack, streams));
      long t0 = System.nanoTime();
      try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("scale", yaml.toString(), env), env)) {
        while (driver.driver().status().stream().anyMatch(s -> s.lastBatchId() < 0)) Thread.sleep(200);
        double startup = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> firstBatch = new LinkedHashMap<>();
        driver.driver().status().forEach(s -> firstBatch.put(s.name(), s.lastBatchId()));
        long heap = 0;
        long rss = 0;
        int threads = 0;
        long lag = 0;
        double staleness = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
          Thread.sleep(2_000); // sampling cadence of the measurement
          heap = Math.max(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
          rss = Math.max(rss, rssMb());
          threads = Math.max(threads, ManagementFactory.getThreadMXBean().getThreadCount());
          for (JobStatus s : driver.driver().status()) {
            lag = Math.max(lag, s.sourceLagMs());
            if (s.lastBatchTime() != null) {
              staleness = Math.max(staleness, Duration.between(Instant.parse(s.lastBatchTime()), Instant.now()).toMillis() / 1e3);
            }
          }
        }
        // A job keeps its trigger when it ran (almost) every trigger of the window.
        double expected = seconds / (double) TRIGGER.toSeconds();
        double onTime = driver.driver().status().stream()
            .mapToDouble(s -> Math.min(1, (s.lastBatchId() - firstBatch.get(s.name())) / (expected - 1))).min().orElse(0);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("jobs", jobs);
        result.put("startupSec", Math.round(startup * 10) / 10.0);
        result.put("onTimeShare", Math.round(onTime * 100) / 100.0);
        result.put("heapMB", heap);
        result.put("rssMB", rss);
        result.put("threads", threads);
        result.put("threadsPerJob", Math.round(10.0 * threads / jobs) / 10.0);
        result.put("maxStalenessSec", Math.round(staleness * 10) / 10.0);
        result.put("maxSourceLagMs", lag);
        Files.writeString(Path.of(output), JSON.writeValueAsString(result));
      } finally {
        trickle.interrupt();
        try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
          for (int i = 0; i < jobs; i++) s.execute("DROP TABLE IF EXISTS scale_" + run + "_" + i);
        }
        streams.forEach(s -> Streams.deleteQuietly(kinesis, s));
      }
    }
    System.exit(0);
  }

  /** Kinesis allows five streams in CREATING per account; drivers measured side by side take turns. */
  private static void createWhenAllowed(KinesisClient kinesis, String stream) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        return;
      } catch (software.amazon.awssdk.services.kinesis.model.LimitExceededException e) {
        if (attempt == 60) throw e;
        Thread.sleep(500L + java.util.concurrent.ThreadLocalRandom.current().nextLong(500));
      }
    }
  }

  /** A light load: 5 events per stream every 5 s. */
  private static void trickle(LocalStack stack, List<String> streams) {
    try (var proxy = stack.streamProxy()) {
      while (!Thread.currentThread().isInterrupted()) {
        for (String stream : streams) {
          Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
          ProducePlan plan = new ProducePlan(new EnumMap<>(Map.of(EventType.SENT, stream)), new EnumMap<>(Map.of(EventType.SENT, 1.0)),
              Optional.of(5L), Optional.empty(), 0, System.nanoTime(), to.minus(Duration.ofHours(1)), to, 0, Duration.ofHours(48), 0, 50, 20, 2,
              WireProtocol.COMPACT);
          new Producer(proxy, p -> {}).run(plan);
        }
        Thread.sleep(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long rssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
    }
    return -1;
  }

  /** Memory (RSS, heap) and staleness against job count, drawn with Java2D: no charting dependency. */
  private static void chart(List<JsonNode> points, Path file) throws Exception {
    int w = 800;
    int h = 450;
    int left = 70;
    int right = 70;
    int top = 50;
    int bottom = 60;
    Canvas canvas = new Canvas(w, h, "One Convoy driver (local[2], 2 vCPU): memory and staleness vs jobs", left, 12);
    Graphics2D g = canvas.g;
    double maxJobs = points.stream().mapToDouble(p -> p.path("jobs").asDouble()).max().orElse(1);
    double maxMb = points.stream().mapToDouble(p -> p.path("rssMB").asDouble()).max().orElse(1) * 1.1;
    double maxStale = Math.max(1, points.stream().mapToDouble(p -> p.path("maxStalenessSec").asDouble()).max().orElse(1) * 1.1);
    g.drawLine(left, h - bottom, w - right, h - bottom);
    g.drawLine(left, top, left, h - bottom);
    g.drawLine(w - right, top, w - right, h - bottom);
    for (int i = 0; i <= 4; i++) {
      int y = h - bottom - i * (h - top - bottom) / 4;
      g.drawString(String.format("%.0f", maxMb * i / 4), 15, y + 4);
      g.drawString(String.format("%.0f", maxStale * i / 4), w - right + 8, y + 4);
    }
    for (JsonNode p : points) {
      int x = left + (int) ((w - left - right) * p.path("jobs").asDouble() / maxJobs);
      g.drawString(p.path("jobs").asText(), x - 8, h - bottom + 18);
    }
    g.drawString("jobs in one driver", w / 2 - 50, h - 20);
    g.drawString("MB", 20, top - 10);
    g.drawString("staleness s", w - right - 10, top - 10);
    series(g, points, "rssMB", maxMb, new Color(0x1f77b4), left, right, top, bottom, w, h, maxJobs);
    series(g, points, "heapMB", maxMb, new Color(0x2ca02c), left, right, top, bottom, w, h, maxJobs);
    series(g, points, "maxStalenessSec", maxStale, new Color(0xd62728), left, right, top, bottom, w, h, maxJobs);
    g.setColor(new Color(0x1f77b4));
    g.drawString("RSS (MB)", left + 10, top + 10);
    g.setColor(new Color(0x2ca02c));
    g.drawString("heap used (MB)", left + 10, top + 26);
    g.setColor(new Color(0xd62728));
    g.drawString("max staleness of a job's last batch (s), trigger " + TRIGGER.toSeconds() + " s", left + 10, top + 42);
    canvas.save(file);
  }

  private static void series(Graphics2D g, List<JsonNode> points, String field, double max, Color color, int left, int right, int top,
                             int bottom, int w, int h, double maxJobs) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2.5f));
    int px = -1;
    int py = -1;
    for (JsonNode p : points) {
      int x = left + (int) ((w - left - right) * p.path("jobs").asDouble() / maxJobs);
      int y = h - bottom - (int) ((h - top - bottom) * p.path(field).asDouble() / max);
      g.fillOval(x - 4, y - 4, 8, 8);
      if (px >= 0) g.drawLine(px, py, x, y);
      px = x;
      py = y;
    }
  }
}

package dev.convoy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.convoy.app.RunCommand;
import dev.convoy.config.ConvoyConfig;
import dev.convoy.events.EventType;
import dev.convoy.events.WireProtocol;
import dev.convoy.run.TriggerSpread;
import dev.convoy.testing.LocalStack;
import dev.convoy.testing.Streams;
import dev.convoy.tools.ProducePlan;
import dev.convoy.tools.Producer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryManagerMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * How many jobs one driver holds on this machine. For each job count (each job its own 1-shard stream,
 * a light trickle of an event a second, put every 5 s, a 10 s trigger), one driver JVM measures over a steady window:
 * start-up (first batch of every job done), the share of each job's triggers run on time, CPU per
 * batch, heap, RSS and threads, and freshness (event put → its bucket row visible in the stand-in).
 * Then the same 10 jobs as 10 one-job drivers. Each measurement runs in a JVM of its own; results are
 * added to {@code target/bench-scale.jsonl}, and the chart of every run there goes to docs/benchmarks-scale.png.
 *
 * <p>{@code bin/convoy bench --main dev.convoy.bench.ScaleBenchmark [sizes] [seconds] [options]}:
 * sizes like {@code 10,50,100} (default 10,100; {@code 0}: only the one-job drivers); options {@code --trigger S}, {@code --separate N} (0: none), {@code --heap 3g} (each driver's -Xmx), {@code --jvm FLAG} (repeatable: a flag for each driver's JVM, to measure it),
 * {@code --settle S} (from start-up to the window; default 20 s + 0.4 s a job, at most 60 s), {@code --put-every S} (the load puts
 * S events per stream every S s; default 5),
 * {@code --profile} (a JFR breakdown of the window's CPU), {@code --spark key=value}, {@code --top key=value} and {@code --job key=value}
 * (repeatable: a Spark setting, a top-level config key or every job's key, to measure it; jobs default to {@code shufflePartitions: 1}), {@code --chart FILE.jsonl} (redraw only).
 * With {@code --jvm -Dconvoy.bench.rules=true} each driver also prints to its log the time Spark's analyser and
 * optimiser spent in each rule during the window (Catalyst's own metering).
 */
public final class ScaleBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one measuring JVM runs. */
  private record Setup(int jobs, int seconds, int triggerSeconds, int settleSeconds, int putEverySeconds, String heap, List<String> jvm,
                       boolean profile, Map<String, String> spark, Map<String, String> top, Map<String, String> job, List<String> streams,
                       List<String> tables) {}

  /** One batch as its query reported it; {@code offsetMs} is its time in the source's latestOffset, a start-up hold included. */
  private record Batch(long startMs, long durationMs, long offsetMs, long inputRows, boolean newOffsets) {
    long endMs() {
      return startMs + durationMs;
    }

    /** When the batch began to plan and read: after the source had decided its offsets. */
    long readMs() {
      return startMs + offsetMs;
    }
  }

  /** Events put into one job's stream: how many in all by then, and when the put began. */
  private record Put(long total, long atMs) {}

  /** A job's table held {@code events} in all when polled at {@code atMs}. */
  private record Seen(long events, long atMs) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(JSON.readValue(args[1], Setup.class), Path.of(args[2]));
      return;
    }
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String sizes = "10,100";
    int seconds = 300;
    int trigger = 10;
    int separate = 10;
    int settle = -1;
    int putEvery = 5;
    String heap = "3g";
    List<String> jvm = new ArrayList<>();
    boolean profile = false;
    Map<String, String> spark = new LinkedHashMap<>();
    Map<String, String> top = new LinkedHashMap<>();
    // Each job's own keys: a 1-partition aggregation suits a light 1-shard job (and was measured so).
    Map<String, String> job = new LinkedHashMap<>(Map.of("shufflePartitions", "1"));
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < rest.size(); i++) {
      switch (rest.get(i)) {
        case "--chart" -> {
          chart(read(Path.of(rest.get(++i))), Path.of("docs/benchmarks-scale.png"));
          return;
        }
        case "--trigger" -> trigger = Integer.parseInt(rest.get(++i));
        case "--separate" -> separate = Integer.parseInt(rest.get(++i));
        case "--settle" -> settle = Integer.parseInt(rest.get(++i));
        case "--put-every" -> putEvery = Integer.parseInt(rest.get(++i));
        case "--heap" -> heap = rest.get(++i);
        case "--jvm" -> jvm.add(rest.get(++i));
        case "--profile" -> profile = true;
        case "--top" -> setting(top, rest.get(++i));
        case "--spark" -> setting(spark, rest.get(++i));
        case "--job" -> setting(job, rest.get(++i));
        default -> positional.add(rest.get(i));
      }
    }
    if (putEvery < 1) throw new IllegalArgumentException("--put-every: at least 1 s, got " + putEvery);
    if (!positional.isEmpty()) sizes = positional.get(0);
    if (positional.size() > 1) seconds = Integer.parseInt(positional.get(1));
    Path results = Path.of("target/bench-scale.jsonl");
    Files.createDirectories(results.getParent());
    List<JsonNode> one = new ArrayList<>();
    for (String n : sizes.split(",")) {
      if (n.strip().equals("0")) continue; // 0: only the one-job drivers
      int jobs = Integer.parseInt(n.strip());
      Setup setup = new Setup(jobs, seconds, trigger, settleSeconds(settle, jobs), putEvery, heap, jvm, profile, spark, top, job, List.of(), List.of());
      System.out.printf("one driver, %d jobs, trigger %d s: start-up, then %d s measured…%n", setup.jobs(), trigger, seconds);
      JsonNode r = runChildren(1, setup).getFirst();
      one.add(r);
      Files.writeString(results, JSON.writeValueAsString(r) + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      System.out.println("  " + r);
    }
    table(one);
    if (separate > 0) {
      System.out.printf("%d one-job drivers side by side: %d s measured…%n", separate, seconds);
      List<JsonNode> apart = runChildren(separate, new Setup(1, seconds, trigger, settleSeconds(settle, 1), putEvery, heap, jvm, false, spark, top, job, List.of(), List.of()));
      System.out.printf("%d one-job drivers: RSS %d MB, heap %d MB, live heap %d MB, threads %d, CPU %.2f cores in all; on time %s%n",
          separate, apart.stream().mapToLong(j -> j.path("rssMB").asLong()).sum(), apart.stream().mapToLong(j -> j.path("heapMB").asLong()).sum(),
          apart.stream().mapToLong(j -> j.path("liveHeapMB").asLong()).sum(), apart.stream().mapToLong(j -> j.path("threads").asLong()).sum(),
          apart.stream().mapToDouble(j -> j.path("cpuCores").asDouble()).sum(), apart.stream().map(j -> j.path("onTimeShare").asText()).toList());
    }
    chart(read(results), Path.of("docs/benchmarks-scale.png"));
    System.out.println("chart: docs/benchmarks-scale.png, from every run in " + results);
  }

  /** {@code key=value} into {@code settings}. */
  private static void setting(Map<String, String> settings, String keyValue) {
    String[] kv = keyValue.split("=", 2);
    if (kv.length != 2) throw new IllegalArgumentException("expected key=value, got '" + keyValue + "'");
    settings.put(kv[0], kv[1]);
  }

  private static List<JsonNode> read(Path file) throws Exception {
    List<JsonNode> saved = new ArrayList<>();
    for (String line : Files.readAllLines(file)) if (!line.isBlank()) saved.add(JSON.readTree(line));
    return saved;
  }

  /** The first batches compile their code: a few triggers to settle, unless {@code --settle} says how long. */
  private static int settleSeconds(int asked, int jobs) {
    return asked >= 0 ? asked : Math.min(60, 20 + jobs * 2 / 5);
  }

  private static void table(List<JsonNode> runs) {
    System.out.printf("%n%5s %9s %8s %8s %8s %9s %8s %8s %9s %9s %9s %9s%n", "jobs", "start s", "on time", "worst", "CPU/batch",
        "of tasks", "heap MB", "RSS MB", "threads", "fresh p50", "fresh p95", "fresh max");
    for (JsonNode j : runs) {
      System.out.printf("%5d %9.1f %7.1f%% %7.1f%% %7d ms %6d ms %8d %8d %9d %8.1f s %8.1f s %8.1f s%n", j.path("jobs").asInt(),
          j.path("startupSec").asDouble(), 100 * j.path("onTimeShare").asDouble(), 100 * j.path("worstJobOnTime").asDouble(),
          j.path("cpuMsPerBatch").asLong(), j.path("cpuMsPerBatchByThreads").path("tasks").asLong(), j.path("heapMB").asLong(), j.path("rssMB").asLong(), j.path("threads").asInt(),
          j.path("freshP50Ms").asLong() / 1e3, j.path("freshP95Ms").asLong() / 1e3, j.path("freshMaxMs").asLong() / 1e3);
    }
  }

  /**
   * Starts {@code drivers} JVMs side by side, each running {@code setup.jobs()} jobs on streams of their own.
   * This JVM is the load: it creates the streams, trickles events into them and polls the jobs' tables
   * for freshness, so the drivers' CPU is their own.
   */
  private static List<JsonNode> runChildren(int drivers, Setup setup) throws Exception {
    LocalStack stack = LocalStack.fromEnvironment();
    String run = "s" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    List<List<String>> streams = new ArrayList<>();
    List<List<String>> tables = new ArrayList<>();
    List<String> allStreams = new ArrayList<>();
    List<String> allTables = new ArrayList<>();
    try (KinesisClient kinesis = stack.kinesis()) {
      for (int d = 0; d < drivers; d++) {
        streams.add(new ArrayList<>());
        tables.add(new ArrayList<>());
        for (int i = 0; i < setup.jobs(); i++) {
          String name = run + "_" + d + "_" + i;
          createWhenAllowed(kinesis, "scale-" + name);
          streams.getLast().add("scale-" + name);
          tables.getLast().add("scale_" + name);
          allStreams.add("scale-" + name);
          allTables.add("scale_" + name);
          // Kinesis (and kinesis-local) allow five streams in CREATING at a time.
          if (allStreams.size() % 5 == 0) allStreams.subList(allStreams.size() - 5, allStreams.size()).forEach(s -> Streams.awaitActive(kinesis, s));
        }
      }
      allStreams.forEach(s -> Streams.awaitActive(kinesis, s));
      Map<String, List<Put>> puts = new ConcurrentHashMap<>();
      Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
      // The load and the poll stop on this flag: a JDBC or SDK call can swallow an interrupt, and the
      // harness then waited for them for good.
      AtomicBoolean loading = new AtomicBoolean(true);
      Thread trickle = Thread.ofVirtual().start(() -> trickle(stack, allStreams, puts, setup.putEverySeconds(), loading::get));
      Thread poll = Thread.ofVirtual().start(() -> poll(stack, allTables, seen, loading::get));
      try (RigCpu rig = new RigCpu(Optional.ofNullable(System.getenv("CONVOY_STACK_DIR")).map(Path::of))) {
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int d = 0; d < drivers; d++) {
          Path out = Files.createTempFile("convoy-scale", ".json");
          Path log = Files.createTempFile("convoy-scale", ".log");
          Setup one = new Setup(setup.jobs(), setup.seconds(), setup.triggerSeconds(), setup.settleSeconds(), setup.putEverySeconds(), setup.heap(), setup.jvm(), setup.profile(),
              setup.spark(), setup.top(), setup.job(), streams.get(d), tables.get(d));
          List<String> flags = new ArrayList<>(setup.jvm());
          // Spark's stacks are deep: JFR's default of 64 frames would cut off the thread each sample belongs to.
          if (setup.profile()) flags.add("-XX:FlightRecorderOptions:stackdepth=256");
          List<String> command = dev.convoy.testing.ChildJvm.command(ScaleBenchmark.class, setup.heap(), flags, "--child", JSON.writeValueAsString(one),
              out.toString());
          processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
          outputs.add(out);
          logs.add(log);
        }
        List<JsonNode> results = new ArrayList<>();
        for (int d = 0; d < drivers; d++) {
          if (processes.get(d).waitFor() != 0) throw new IllegalStateException("a measuring JVM failed; its log: " + logs.get(d));
          ObjectNode result = (ObjectNode) JSON.readTree(Files.readString(outputs.get(d)));
          freshness(result, streams.get(d), tables.get(d), puts, seen);
          putGaps(result, streams.get(d), puts);
          long started = result.path("startEpochMs").asLong();
          rig.put(result, "startupRig", started, started + Math.round(result.path("startupSec").asDouble() * 1000));
          rig.put(result, "windowRig", result.path("windowFromMs").asLong(), result.path("windowToMs").asLong());
          results.add(result);
        }
        return results;
      } finally {
        loading.set(false);
        trickle.interrupt();
        poll.interrupt();
        trickle.join();
        poll.join();
        stack.dropJobTables(allTables);
        allStreams.forEach(s -> Streams.deleteQuietly(kinesis, s));
      }
    }
  }

  /**
   * Freshness of each trickle put in the driver's window: from the put's start until its job's table
   * first held at least the events put by then (the poll's 250 ms resolution included).
   */
  private static void freshness(ObjectNode result, List<String> streams, List<String> tables, Map<String, List<Put>> puts,
                                Map<String, List<Seen>> seen) {
    long from = result.path("windowFromMs").asLong();
    long to = result.path("windowToMs").asLong();
    List<Long> fresh = new ArrayList<>();
    long unseen = 0;
    for (int i = 0; i < streams.size(); i++) {
      List<Seen> table = List.copyOf(seen.getOrDefault(tables.get(i), List.of()));
      for (Put p : List.copyOf(puts.getOrDefault(streams.get(i), List.of()))) {
        if (p.atMs() < from || p.atMs() >= to) continue;
        Optional<Seen> first = table.stream().filter(s -> s.atMs() >= p.atMs() && s.events() >= p.total()).findFirst();
        if (first.isPresent()) fresh.add(first.get().atMs() - p.atMs()); else unseen++;
      }
    }
    fresh.sort(null);
    result.put("freshSamples", fresh.size());
    result.put("freshNeverSeen", unseen);
    result.put("freshP50Ms", percentile(fresh, 0.50));
    result.put("freshP95Ms", percentile(fresh, 0.95));
    result.put("freshMaxMs", fresh.isEmpty() ? -1 : fresh.getLast());
  }

  /**
   * The load itself, in the driver's window: the time between two puts to one stream. A trigger finds
   * no new records when its stream's puts fell behind the machine.
   */
  private static void putGaps(ObjectNode result, List<String> streams, Map<String, List<Put>> puts) {
    long from = result.path("windowFromMs").asLong();
    long to = result.path("windowToMs").asLong();
    List<Long> gaps = new ArrayList<>();
    for (String stream : streams) {
      List<Put> list = List.copyOf(puts.getOrDefault(stream, List.of()));
      for (int i = 1; i < list.size(); i++) {
        if (list.get(i).atMs() >= from && list.get(i).atMs() < to) gaps.add(list.get(i).atMs() - list.get(i - 1).atMs());
      }
    }
    gaps.sort(null);
    result.put("putGapP50Ms", percentile(gaps, 0.50));
    result.put("putGapP99Ms", percentile(gaps, 0.99));
    result.put("putGapMaxMs", gaps.isEmpty() ? -1 : gaps.getLast());
  }

  /** Every 250 ms, one query for every job's event count; each change is noted with its time. */
  private static void poll(LocalStack stack, List<String> tables, Map<String, List<Seen>> seen, BooleanSupplier loading) {
    String sums = String.join(" UNION ALL ", tables.stream().map(t -> "SELECT '" + t + "', COALESCE(SUM(events), 0) FROM " + t).toList());
    Map<String, Long> last = new HashMap<>();
    try (Connection c = stack.redshift(); Statement s = c.createStatement()) {
      while (loading.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
        long now = System.currentTimeMillis();
        try (ResultSet rs = s.executeQuery(sums)) {
          while (rs.next()) {
            long events = rs.getLong(2);
            if (!Long.valueOf(events).equals(last.put(rs.getString(1), events))) {
              seen.computeIfAbsent(rs.getString(1), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(new Seen(events, now));
            }
          }
        } catch (java.sql.SQLException notYet) {
          if (c.isClosed()) return; // the run's end interrupted the query, and the driver closed the connection
          if (!c.getAutoCommit()) c.rollback(); // a job's table is made when its driver starts; until then the query fails
        }
        Thread.sleep(250); // the freshness probe's resolution
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("polling the jobs' tables", e);
    }
  }

  private static void child(Setup setup, Path output) throws Exception {
    Path work = Files.createTempDirectory("convoy-scale");
    Map<String, String> env = new HashMap<>(System.getenv());
    StringBuilder spark = new StringBuilder("\"spark.master\": \"local[2]\", \"spark.ui.enabled\": \"false\", \"spark.sql.session.timeZone\": UTC");
    setup.spark().forEach((k, v) -> spark.append(", \"").append(k).append("\": \"").append(v).append('"'));
    StringBuilder yaml = new StringBuilder("""
        checkpointRoot: %s
        maxConcurrentJobs: %d
        kinesis: { region: us-east-1, endpointUrl: "${CONVOY_KINESIS_ENDPOINT}", startingPosition: TRIM_HORIZON }
        redshift: { url: "${CONVOY_REDSHIFT_URL}" }
        spark: { %s }
        control: { port: 0, stateDir: %s }
        """.formatted(work.resolve("cp"), setup.jobs(), spark, work.resolve("state")));
    setup.top().forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    yaml.append("jobs:\n");
    for (int i = 0; i < setup.jobs(); i++) {
      yaml.append("""
            - name: job-%d
              stream: %s
              eventType: sent
              source: builtin
              table: %s
              trigger: %ds
          """.formatted(i, setup.streams().get(i), setup.tables().get(i), setup.triggerSeconds()));
      setup.job().forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    }
    Map<String, ConcurrentLinkedQueue<Batch>> batches = new ConcurrentHashMap<>();
    long t0 = System.nanoTime();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long epoch0 = System.currentTimeMillis();
    Recording startupRecording = setup.profile() ? new Recording(Configuration.getConfiguration("profile")) : null;
    if (startupRecording != null) startupRecording.start();
    Map<Integer, ThreadCpu> startupThreadCpu0 = threadCpu();
    Map<Integer, ThreadCpu> startupThreadCpu = new HashMap<>(startupThreadCpu0);
    try (RunCommand.Running driver = RunCommand.start(ConvoyConfig.parse("scale", yaml.toString(), env), env)) {
      double started = (System.nanoTime() - t0) / 1e9; // the session made, every sink prepared, every query submitted
      // Every query's progress reaches the context's listener bus, whichever session runs it.
      driver.spark().sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onOtherEvent(SparkListenerEvent event) {
          if (event instanceof StreamingQueryListener.QueryProgressEvent e && e.progress().name() != null) {
            StreamingQueryProgress p = e.progress();
            Long took = p.durationMs().get("triggerExecution");
            Long offset = p.durationMs().get("latestOffset");
            batches.computeIfAbsent(p.name(), k -> new ConcurrentLinkedQueue<>())
                .add(new Batch(Instant.parse(p.timestamp()).toEpochMilli(), took == null ? 0 : took, offset == null ? 0 : offset, p.numInputRows(),
                    java.util.Arrays.stream(p.sources()).anyMatch(src -> !java.util.Objects.equals(src.startOffset(), src.endOffset()))));
          }
        }
      });
      for (int polls = 0; driver.driver().status().stream().anyMatch(s -> s.lastBatchId() < 0); polls++) { // polls start-up
        if (polls % 5 == 0) startupThreadCpu.putAll(threadCpu()); // every second: a compiler thread may end
        Thread.sleep(200);
      }
      startupThreadCpu.putAll(threadCpu());
      double startup = (System.nanoTime() - t0) / 1e9;
      long startupCpuNs = os.getProcessCpuTime();
      if (startupRecording != null) startupRecording.stop();
      Thread.sleep(setup.settleSeconds() * 1000L); // steady state
      Recording recording = setup.profile() ? new Recording(Configuration.getConfiguration("profile")) : null;
      if (recording != null) recording.start();
      if (Boolean.getBoolean("convoy.bench.rules")) org.apache.spark.sql.catalyst.rules.RuleExecutor.resetMetrics();
      long cpu0 = os.getProcessCpuTime();
      Map<Integer, ThreadCpu> threadCpu0 = threadCpu();
      Map<Integer, ThreadCpu> threadCpu = new HashMap<>(threadCpu0);
      long from = System.currentTimeMillis();
      long to = from + setup.seconds() * 1000L;
      long heap = 0;
      long rss = 0;
      int threads = 0;
      int accumulators = 0;
      int broadcasts = 0;
      List<Integer> broadcastSamples = new ArrayList<>(); // every 2 s: a sawtooth if only full collections free them
      while (System.currentTimeMillis() < to) {
        heap = Math.max(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
        rss = Math.max(rss, rssMb());
        threads = Math.max(threads, ManagementFactory.getThreadMXBean().getThreadCount());
        // Accumulators Spark still tracks: each leaves only once the collector has cleared it (ContextCleaner).
        accumulators = Math.max(accumulators, org.apache.spark.util.AccumulatorContext.numAccums());
        // Broadcasts the driver still holds, among them each batch's state store Hadoop configuration.
        int held = org.apache.spark.SparkEnv.get().blockManager()
            .getMatchingBlockIds(id -> id instanceof org.apache.spark.storage.BroadcastBlockId b && b.field().isEmpty()).size();
        broadcasts = Math.max(broadcasts, held);
        broadcastSamples.add(held);
        threadCpu.putAll(threadCpu()); // an idle task or compiler thread ends, and its CPU time with it
        Thread.sleep(2_000); // the memory sampling cadence
      }
      long cpuNs = os.getProcessCpuTime() - cpu0;
      threadCpu.putAll(threadCpu());
      Map<String, Long> cpuByThreads = ticksByKind(threadCpu0, threadCpu);
      if (recording != null) recording.stop();
      System.gc(); // what the jobs keep, rather than what the collector has yet to reclaim
      long liveHeap = liveHeapMb();
      Thread.sleep(setup.triggerSeconds() * 1000L); // the window's last batches report their progress
      ObjectNode result = JSON.createObjectNode();
      result.put("jobs", setup.jobs());
      result.put("triggerSec", setup.triggerSeconds());
      result.put("seconds", setup.seconds());
      result.put("settleSec", setup.settleSeconds());
      result.put("putEverySec", setup.putEverySeconds());
      result.set("spark", JSON.valueToTree(setup.spark()));
      result.set("top", JSON.valueToTree(setup.top()));
      result.set("job", JSON.valueToTree(setup.job()));
      result.set("jvm", JSON.valueToTree(setup.jvm()));
      // The collector the driver ran with: conf/jvm.properties' unless a --jvm flag named another.
      result.set("collectors", JSON.valueToTree(ManagementFactory.getGarbageCollectorMXBeans().stream().map(MemoryManagerMXBean::getName).toList()));
      result.put("startEpochMs", epoch0);
      result.put("windowFromMs", from);
      result.put("windowToMs", to);
      result.put("startupSec", Math.round(startup * 10) / 10.0);
      startup(batches, epoch0, started, startup, startupCpuNs, result);
      ObjectNode startupByThreads = result.putObject("startupCpuSecByThreads");
      ticksByKind(startupThreadCpu0, startupThreadCpu).forEach((kind, ticks) -> startupByThreads.put(kind, Math.round(ticks * 10.0 / CLOCK_TICKS) / 10.0));
      onTime(batches, from, to, setup.triggerSeconds() * 1000L, result);
      List<Batch> window = batches.values().stream().flatMap(q -> q.stream()).filter(b -> b.startMs() >= from && b.startMs() < to).toList();
      long dataBatches = window.stream().filter(b -> b.inputRows() > 0).count();
      result.put("batches", window.size());
      result.put("dataBatches", dataBatches);
      // Spark runs a batch without new offsets when the watermark moved and state may be evicted.
      result.put("noDataBatches", window.stream().filter(b -> !b.newOffsets()).count());
      // Whether they come from a few jobs every trigger or from every job now and then.
      List<Long> noDataPerJob = batches.values().stream()
          .map(list -> list.stream().filter(b -> b.startMs() >= from && b.startMs() < to && !b.newOffsets()).count())
          .filter(n -> n > 0).toList();
      result.put("noDataJobs", noDataPerJob.size());
      result.put("noDataMaxPerJob", noDataPerJob.stream().mapToLong(Long::longValue).max().orElse(0));
      // When they ran, by 10 s of the window: in bursts (after a pause) or all along.
      long[] noDataBy10s = new long[(int) ((to - from + 9_999) / 10_000)];
      window.stream().filter(b -> !b.newOffsets()).forEach(b -> noDataBy10s[(int) ((b.startMs() - from) / 10_000)]++);
      result.set("noDataBy10s", JSON.valueToTree(noDataBy10s));
      result.put("cpuMsPerBatch", dataBatches == 0 ? 0 : cpuNs / 1_000_000 / dataBatches);
      result.put("cpuCores", Math.round(100.0 * cpuNs / 1e9 / setup.seconds()) / 100.0);
      // Tasks run on the executors on a cluster; the rest stays on the driver.
      ObjectNode byThreads = result.putObject("cpuMsPerBatchByThreads");
      cpuByThreads.forEach((kind, ticks) -> byThreads.put(kind, dataBatches == 0 ? 0 : ticks * 1000 / CLOCK_TICKS / dataBatches));
      List<Long> durations = window.stream().filter(b -> b.inputRows() > 0).map(Batch::durationMs).sorted().toList();
      result.put("batchP50Ms", percentile(durations, 0.50));
      result.put("batchP95Ms", percentile(durations, 0.95));
      result.put("heapMB", heap);
      result.put("liveHeapMB", liveHeap);
      result.put("heapMax", Runtime.getRuntime().maxMemory() >> 20);
      result.put("rssMB", rss);
      result.put("threads", threads);
      result.put("accumulatorsMax", accumulators);
      result.put("broadcastsMax", broadcasts);
      result.set("broadcastsBy2s", JSON.valueToTree(broadcastSamples));
      if (recording != null) {
        Path jfr = Path.of("target", "bench-scale-" + setup.jobs() + ".jfr").toAbsolutePath();
        recording.dump(jfr);
        result.set("profile", JSON.valueToTree(Profile.breakdown(jfr)));
        result.put("jfr", jfr.toString());
        Path startupJfr = Path.of("target", "bench-scale-" + setup.jobs() + "-startup.jfr").toAbsolutePath();
        startupRecording.dump(startupJfr);
        result.set("startupProfile", JSON.valueToTree(Profile.breakdown(startupJfr)));
      }
      Files.writeString(output, JSON.writeValueAsString(result));
      if (Boolean.getBoolean("convoy.bench.rules")) System.out.println(org.apache.spark.sql.catalyst.rules.RuleExecutor.dumpTimeSpent());
    }
    System.exit(0);
  }

  /**
   * Where start-up went: until {@code RunCommand.start} returned (the session, every sink prepared),
   * then the first batch of each job (when the earliest and the last began, the longest), and the CPU
   * the process used until every job had one, and how many later batches of the jobs already running began to plan and read meanwhile (a batch held at start-up in its source waits before that).
   */
  private static void startup(Map<String, ConcurrentLinkedQueue<Batch>> batches, long epoch0, double started, double startup, long cpuNs,
                              ObjectNode result) {
    List<Batch> firsts = batches.values().stream()
        .map(q -> q.stream().min(java.util.Comparator.comparingLong(Batch::startMs)).orElseThrow()).toList();
    result.put("startupRunStartSec", Math.round(started * 10) / 10.0);
    result.put("startupFirstBatchFromSec", Math.round((firsts.stream().mapToLong(Batch::startMs).min().orElse(epoch0) - epoch0) / 100.0) / 10.0);
    result.put("startupFirstBatchToSec", Math.round((firsts.stream().mapToLong(Batch::startMs).max().orElse(epoch0) - epoch0) / 100.0) / 10.0);
    result.put("startupFirstBatchMaxMs", firsts.stream().mapToLong(Batch::durationMs).max().orElse(0));
    result.put("startupCpuSec", Math.round(cpuNs / 1e8) / 10.0);
    long end = epoch0 + Math.round(startup * 1000);
    result.put("startupLaterBatches", batches.values().stream().mapToLong(q -> q.stream().filter(b -> b.readMs() < end).count() - 1).sum());
  }

  /**
   * A trigger (a multiple of the job's own interval, {@link TriggerSpread}) is on time when a batch
   * starts within a second of it and ends before the next one; a trigger with no batch running at all
   * found nothing new (idle) and is left out. Spark starts a late trigger's batch when the previous one
   * ends, so an overrun shows in the next trigger too.
   */
  private static void onTime(Map<String, ConcurrentLinkedQueue<Batch>> batches, long from, long to, long trigger, ObjectNode result) {
    long onTime = 0;
    long counted = 0;
    long idle = 0;
    double worst = 1;
    for (var job : batches.entrySet()) {
      List<Batch> list = job.getValue().stream().sorted(java.util.Comparator.comparingLong(Batch::startMs)).toList();
      long jobOnTime = 0;
      long jobCounted = 0;
      // The job's own interval: Spark starts its triggers at multiples of it.
      long interval = TriggerSpread.intervalMs(job.getKey(), Duration.ofMillis(trigger));
      for (long slot = (from / interval + 1) * interval; slot + interval <= to; slot += interval) {
        long s = slot;
        boolean busy = list.stream().anyMatch(b -> b.startMs() < s + interval && b.endMs() > s);
        if (!busy) {
          idle++;
          continue;
        }
        jobCounted++;
        if (list.stream().anyMatch(b -> b.startMs() >= s && b.startMs() < s + 1_000 && b.endMs() <= s + interval)) jobOnTime++;
      }
      onTime += jobOnTime;
      counted += jobCounted;
      if (jobCounted > 0) worst = Math.min(worst, (double) jobOnTime / jobCounted);
    }
    result.put("onTimeShare", counted == 0 ? 0 : Math.round(1000.0 * onTime / counted) / 1000.0);
    result.put("worstJobOnTime", Math.round(1000.0 * worst) / 1000.0);
    result.put("idleTriggers", idle);
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
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

  /**
   * A light load: an event per stream per second, put every {@code everySeconds} s (5 by default); each
   * put is noted for freshness. kinesis-local spends 11–18 ms of CPU on each put (EmulatorCallCost): at 100
   * streams every 5 s, a tenth to a sixth of this machine, which a longer interval gives back after start-up.
   */
  private static void trickle(LocalStack stack, List<String> streams, Map<String, List<Put>> puts, int everySeconds,
                              BooleanSupplier loading) {
    Map<String, Long> totals = new HashMap<>();
    try (var proxy = stack.streamProxy()) {
      while (loading.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
        long round = System.currentTimeMillis();
        for (String stream : streams) {
          // Event times of the last few seconds, as in production: each batch moves the watermark.
          Instant to = Instant.now();
          ProducePlan plan = new ProducePlan(new EnumMap<>(Map.of(EventType.SENT, stream)), new EnumMap<>(Map.of(EventType.SENT, 1.0)),
              Optional.of((long) everySeconds), Optional.empty(), 0, System.nanoTime(), to.minusSeconds(everySeconds), to, 0, Duration.ofHours(48),
              0, 50, 20, 2, WireProtocol.COMPACT);
          long at = System.currentTimeMillis();
          new Producer(proxy, p -> {}).run(plan);
          long total = totals.merge(stream, (long) everySeconds, Long::sum);
          puts.computeIfAbsent(stream, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(new Put(total, at));
        }
        Thread.sleep(Math.max(0, everySeconds * 1_000L - (System.currentTimeMillis() - round)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.UncheckedIOException e) {
      // The run's end interrupted a put: the load is over, not failed (the proxy says so with this cause).
      if (!(e.getCause() instanceof java.io.InterruptedIOException)) throw e;
    }
  }

  /**
   * The heap the last collection left in use, pool by pool: the heap in use read after {@code System.gc()}
   * would also count whatever the running batches allocated after it.
   */
  private static long liveHeapMb() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null)
        .mapToLong(p -> p.getCollectionUsage().getUsed()).sum() >> 20;
  }

  private static long rssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
    }
    return -1;
  }

  /** A thread's CPU time so far, in clock ticks, and what kind of work it does. */
  private record ThreadCpu(String kind, long ticks) {}

  /** Linux's USER_HZ: /proc reports CPU times in these ticks on every architecture Linux runs the JDK on. */
  static final long CLOCK_TICKS = 100;

  /** CPU ticks from {@code before} to {@code after} by kind of thread; a thread that began in between counts from zero. */
  private static Map<String, Long> ticksByKind(Map<Integer, ThreadCpu> before, Map<Integer, ThreadCpu> after) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    after.forEach((tid, t) -> byKind.merge(t.kind(), t.ticks() - before.getOrDefault(tid, new ThreadCpu(t.kind(), 0)).ticks(), Long::sum));
    return byKind;
  }

  /**
   * Every thread of this process (Linux's /proc), by thread id. In local mode the executors' task
   * threads share the driver's process; the JVM names its native threads, so GC and JIT show apart.
   */
  private static Map<Integer, ThreadCpu> threadCpu() throws Exception {
    Map<Integer, ThreadCpu> cpu = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (java.io.IOException ended) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime
        String kind = name.startsWith("Executor task") ? "tasks"
            : name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread") ? "garbage collection"
            : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "JIT compilers"
            : "driver (other threads)";
        cpu.put(Integer.parseInt(task.getFileName().toString()), new ThreadCpu(kind, ticks));
      }
    }
    return cpu;
  }

  /**
   * Memory, on-time share and freshness against the number of jobs in one driver, a line per trigger.
   * Runs that measured a setting ({@code --spark}, {@code --top}, {@code --jvm}), another load ({@code --put-every}) or a warm driver
   * ({@code --settle} past a minute) are left out.
   */
  private static void chart(List<JsonNode> runs, Path file) throws Exception {
    Map<String, List<double[]>> memory = new LinkedHashMap<>();
    Map<String, List<double[]>> onTime = new LinkedHashMap<>();
    Map<String, List<double[]>> fresh = new LinkedHashMap<>();
    runs.stream().filter(r -> r.path("spark").isEmpty() && r.path("top").isEmpty() && r.path("jvm").isEmpty() && r.path("settleSec").asInt(0) <= 60
            && r.path("putEverySec").asInt(5) == 5)
        .sorted(java.util.Comparator.comparingInt((JsonNode r) -> r.path("triggerSec").asInt()).thenComparingInt(r -> r.path("jobs").asInt()))
        .forEach(r -> {
          double jobs = r.path("jobs").asDouble();
          String t = "trigger " + r.path("triggerSec").asInt() + " s";
          memory.computeIfAbsent(t + ": RSS", k -> new ArrayList<>()).add(new double[] {jobs, r.path("rssMB").asDouble()});
          memory.computeIfAbsent(t + ": live heap", k -> new ArrayList<>()).add(new double[] {jobs, r.path("liveHeapMB").asDouble()});
          onTime.computeIfAbsent(t + ": triggers on time", k -> new ArrayList<>()).add(new double[] {jobs, 100 * r.path("onTimeShare").asDouble()});
          fresh.computeIfAbsent(t + ": freshness p95", k -> new ArrayList<>()).add(new double[] {jobs, r.path("freshP95Ms").asDouble() / 1e3});
          fresh.computeIfAbsent(t + ": freshness max", k -> new ArrayList<>()).add(new double[] {jobs, r.path("freshMaxMs").asDouble() / 1e3});
        });
    Charts.panels("One Convoy driver on 2 vCPU (local[2]), light load", "jobs in one driver",
        List.of(new Charts.Panel("memory (MB)", memory), new Charts.Panel("triggers on time (%)", onTime),
            new Charts.Panel("freshness (s)", fresh)), file, 900, 850);
  }
}

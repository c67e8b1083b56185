package dev.convoy.bench;

import dev.convoy.job.Job;
import dev.convoy.job.JobCounters;
import dev.convoy.run.Driver;
import dev.convoy.testing.RateJobs;
import java.awt.Color;
import java.awt.Graphics2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * An overloaded driver, before and after the batch gate: 20 jobs named idle-0 … idle-19 (idle-7 of
 * weight 2), each always with data and a stateful aggregation per batch, a 2 s trigger on local[2] —
 * about twice the work two cores can do. "Before" lets every batch onto the executors at once (Spark's
 * FAIR scheduler alone decides, as before issue 14); "after" is the default gate (two batches at a time,
 * fair turns by weight). Per job: batches, longest time without a batch, share. Writes
 * docs/benchmarks-fairshare.png. Run with {@code make bench-fairshare}, or
 * {@code bin/convoy bench --main dev.convoy.bench.FairShareBenchmark MINUTES} (default 5).
 */
public final class FairShareBenchmark {

  private static final int JOBS = 20;
  private static final Duration TRIGGER = Duration.ofSeconds(2);

  private record Result(String job, int weight, long batches, Duration longestGap, double share) {}

  public static void main(String[] args) throws Exception {
    Duration measure = Duration.ofMinutes(args.length > 0 ? Long.parseLong(args[0]) : 5);
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (int i = 0; i < JOBS; i++) weights.put("idle-" + i, i == 7 ? 2 : 1);
    List<Result> before = run("before (no gate: FAIR pools alone)", weights, JOBS, measure);
    List<Result> after = run("after (gate: 2 batches at a time)", weights, 0, measure);
    chart(before, after, measure, Path.of("docs/benchmarks-fairshare.png"));
    System.out.println("chart: docs/benchmarks-fairshare.png");
  }

  private static List<Result> run(String title, Map<String, Integer> weights, int maxConcurrentBatches, Duration measure) throws Exception {
    Path work = Files.createTempDirectory("convoy-fairshare");
    var conf = Driver.sparkConf(Map.of("spark.master", "local[2]", "spark.ui.enabled", "false", "spark.sql.session.timeZone", "UTC"),
        work.resolve("state"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    RateJobs.BatchLog log = new RateJobs.BatchLog();
    Map<String, JobCounters> counters = new ConcurrentHashMap<>();
    List<Job> jobs = new ArrayList<>();
    weights.forEach((name, weight) -> {
      counters.put(name, JobCounters.register(spark.sparkContext(), name));
      jobs.add(RateJobs.job(name, weight, TRIGGER, work.resolve(name), log));
    });
    List<Result> results = new ArrayList<>();
    try (Driver driver = new Driver(spark, jobs, JOBS, maxConcurrentBatches, counters::get)) {
      driver.start();
      long warmUp = System.nanoTime() + Duration.ofMinutes(1).toNanos(); // first batches compile their code
      while (System.nanoTime() < warmUp) Thread.sleep(1_000); // the benchmark's clock, not a synchronisation
      long from = System.nanoTime();
      long to = from + measure.toNanos();
      while (System.nanoTime() < to) Thread.sleep(1_000);
      long total = weights.keySet().stream().mapToLong(j -> log.count(j, from, to)).sum();
      System.out.printf("%n%s, %d jobs, trigger %s, %s measured after 1 min of warm-up%n", title, JOBS, TRIGGER, measure);
      System.out.printf("%-9s %6s %8s %13s %7s%n", "job", "weight", "batches", "longest wait", "share");
      for (var e : weights.entrySet()) {
        long n = log.count(e.getKey(), from, to);
        Result r = new Result(e.getKey(), e.getValue(), n, log.longestGap(e.getKey(), from, to), total == 0 ? 0 : (double) n / total);
        results.add(r);
        System.out.printf("%-9s %6d %8d %11d s %6.1f%%%n", r.job(), r.weight(), r.batches(), r.longestGap().toSeconds(), 100 * r.share());
      }
    } finally {
      spark.stop();
    }
    return results;
  }

  /** Batches per job, before and after, as paired bars: drawn with Java2D, no charting dependency. */
  private static void chart(List<Result> before, List<Result> after, Duration measure, Path file) throws Exception {
    int w = 900;
    int h = 420;
    int left = 60;
    int bottom = 70;
    int top = 60;
    Canvas canvas = new Canvas(w, h, "20 jobs on local[2], trigger 2 s, overloaded: batches per job in " + measure.toMinutes() + " min", left, 11);
    Graphics2D g = canvas.g;
    long max = Math.max(1, java.util.stream.Stream.concat(before.stream(), after.stream()).mapToLong(Result::batches).max().orElse(1));
    int plotH = h - top - bottom;
    int slot = (w - left - 20) / before.size();
    g.drawLine(left, h - bottom, w - 20, h - bottom);
    for (int i = 0; i <= 4; i++) {
      int y = h - bottom - i * plotH / 4;
      g.drawString(Long.toString(max * i / 4), 20, y + 4);
    }
    for (int i = 0; i < before.size(); i++) {
      int x = left + i * slot;
      bar(g, x + 4, (slot - 10) / 2, before.get(i).batches(), max, plotH, h - bottom, new Color(0xd62728));
      bar(g, x + 4 + (slot - 10) / 2, (slot - 10) / 2, after.get(i).batches(), max, plotH, h - bottom, new Color(0x1f77b4));
      g.setColor(Color.BLACK);
      g.drawString(before.get(i).job().replace("idle-", "") + (before.get(i).weight() > 1 ? "×2" : ""), x + 8, h - bottom + 15);
    }
    g.drawString("job idle-N (×2: weight 2)", w / 2 - 60, h - bottom + 35);
    g.setColor(new Color(0xd62728));
    g.drawString("before: Spark's FAIR pools alone (ties go by pool name)", left + 10, top - 20);
    g.setColor(new Color(0x1f77b4));
    g.drawString("after: Convoy's batch gate (fair turns, by weight)", left + 10, top - 5);
    canvas.save(file);
  }

  private static void bar(Graphics2D g, int x, int width, long value, long max, int plotH, int baseY, Color color) {
    int bh = (int) (plotH * value / max);
    g.setColor(color);
    g.fillRect(x, baseY - bh, Math.max(1, width), bh);
  }
}

package dev.convoy.config;

import dev.convoy.plan.Plan;
import dev.convoy.plan.Plan.Action;
import dev.convoy.plan.Plan.JobPlan;
import dev.convoy.plan.Plan.Refusal;
import dev.convoy.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compares the configuration a driver runs with against a new one. Both are already valid (the same
 * rules as start-up); this decides what a running driver may do about the differences:
 * <ul>
 *   <li>trigger, weight, restart policy, wire protocol, read limits: the job restarts alone;
 *   <li>stream, event type, source, aggregation, shuffle partitions, the stream's region or endpoint:
 *       the checkpoint's positions and state were built with them, so they are refused unless the job
 *       also gets a new checkpoint and a new table (a reset);
 *   <li>a table or checkpoint that belonged to another job, or a checkpoint changed without the table
 *       (or the reverse): refused, since buckets would be overwritten or batches skipped;
 *   <li>driver-wide settings (spark.*, redshift, control, maxConcurrentBatches): refused, they need a
 *       step restart; {@code maxConcurrentJobs} and {@code redshift.maxConnections} change live.
 * </ul>
 */
public final class Planner {

  static final String STEP_RESTART = "needs a step restart (runbook: \"Restart one job, or the step\"); apply the other changes without it";
  static final String NEW_CHECKPOINT = "the job's checkpoint was built with it; give the job a new checkpoint and a new table "
      + "(it starts afresh there), or add it under a new name (runbook: \"Change a job\")";

  private Planner() {}

  public static Plan plan(ConvoyConfig running, ConvoyConfig wanted) {
    List<Refusal> refusals = new ArrayList<>(driverWide(running, wanted));
    Map<String, JobConfig> before = byName(running.jobs());
    Map<String, JobConfig> after = byName(wanted.jobs());
    List<JobPlan> lines = new ArrayList<>();
    for (JobConfig w : wanted.jobs()) {
      JobConfig r = before.get(w.name());
      lines.add(r == null ? added(w, running, refusals) : compared(r, w, running, refusals));
    }
    for (JobConfig r : running.jobs()) {
      if (!after.containsKey(r.name())) {
        lines.add(new JobPlan(r.name(), Action.REMOVE, List.of(),
            "stops; its checkpoint " + r.checkpoint() + " and table " + r.table() + " are kept"));
      }
    }
    return new Plan(lines, running.maxConcurrentJobs(), wanted.maxConcurrentJobs(), refusals);
  }

  private static JobPlan added(JobConfig w, ConvoyConfig running, List<Refusal> refusals) {
    JobConfig owner = takenOver(running, w, refusals);
    String note = owner == null ? "starts (PENDING until a slot is free)"
        : "takes over job '" + owner.name() + "''s checkpoint and table, and starts";
    return new JobPlan(w.name(), Action.ADD, List.of(), note);
  }

  /**
   * The running job whose checkpoint and table {@code w} takes over (a rename), or null. A job that
   * takes only one of them is refused here: a fresh checkpoint into a used table would skip the
   * batches its ledger lists and overwrite complete buckets with partial ones; a used checkpoint into
   * another table would carry open buckets over.
   */
  private static JobConfig takenOver(ConvoyConfig running, JobConfig w, List<Refusal> refusals) {
    JobConfig owner = null;
    for (JobConfig r : running.jobs()) {
      if (r.name().equals(w.name())) continue;
      boolean table = r.table().sql().equals(w.table().sql());
      boolean checkpoint = r.checkpoint().equals(w.checkpoint());
      if (table && checkpoint) {
        owner = r;
      } else if (table) {
        refusals.add(new Refusal(w.name(), "table", "'" + w.table() + "' holds job '" + r.name() + "''s buckets and batch ledger; "
            + "another checkpoint writing into it would skip batches that ledger lists and overwrite complete buckets; use a new table"));
      } else if (checkpoint) {
        refusals.add(new Refusal(w.name(), "checkpoint", "'" + w.checkpoint() + "' is job '" + r.name() + "''s, whose open buckets "
            + "belong to table " + r.table() + "; use a new checkpoint"));
      }
    }
    return owner;
  }

  private static JobPlan compared(JobConfig r, JobConfig w, ConvoyConfig running, List<Refusal> refusals) {
    List<String> safe = new ArrayList<>();
    List<String> bound = new ArrayList<>(); // fields the checkpoint was built with
    diff(safe, "wireProtocol", r, w, JobConfig::wireProtocol);
    diff(safe, "trigger", r, w, JobConfig::trigger);
    diff(safe, "weight", r, w, JobConfig::weight);
    diff(safe, "restart.maxRestarts", r, w, j -> j.restart().maxRestarts());
    diff(safe, "restart.backoff", r, w, j -> j.restart().backoff());
    diff(safe, "restart.maxBackoff", r, w, j -> j.restart().maxBackoff());
    diff(bound, "code", r, w, JobConfig::code);
    diff(bound, "stream", r, w, JobConfig::stream);
    diff(bound, "eventType", r, w, JobConfig::eventType);
    diff(bound, "source", r, w, JobConfig::source);
    diff(bound, "aggregation.window", r, w, j -> j.aggregation() == null ? null : j.aggregation().window());
    diff(bound, "aggregation.watermark", r, w, j -> j.aggregation() == null ? null : j.aggregation().watermark());
    diff(bound, "aggregation.dimensions", r, w, j -> j.aggregation() == null ? null : j.aggregation().dimensions());
    diff(bound, "aggregation.metrics", r, w, j -> j.aggregation() == null ? null : j.aggregation().metrics());
    diff(bound, "shufflePartitions", r, w, JobConfig::shufflePartitions);
    for (String key : new TreeSet<>(union(r.sourceOptions().keySet(), w.sourceOptions().keySet()))) {
      String a = r.sourceOptions().get(key);
      String b = w.sourceOptions().get(key);
      if (Objects.equals(a, b) || key.equals("streamName")) continue; // streamName is 'stream', compared above
      (locatesTheStream(key) ? bound : safe).add("sourceOptions." + key + ": " + show(a) + " -> " + show(b));
    }
    boolean newTable = !r.table().sql().equals(w.table().sql());
    boolean newCheckpoint = !r.checkpoint().equals(w.checkpoint());
    List<String> all = new ArrayList<>(safe);
    all.addAll(bound);
    if (newTable) all.add("table: " + r.table() + " -> " + w.table());
    if (newCheckpoint) all.add("checkpoint: " + r.checkpoint() + " -> " + w.checkpoint());
    if (newTable && newCheckpoint) {
      takenOver(running, w, refusals);
      return new JobPlan(w.name(), Action.RESET, all, "restarts afresh: new checkpoint (from sourceOptions.startingPosition) "
          + "into the new table; the old checkpoint " + r.checkpoint() + " and table " + r.table() + " are kept");
    }
    if (newTable) {
      refusals.add(new Refusal(w.name(), "table", "the checkpoint's open buckets belong to " + r.table()
          + "; a new table needs a new checkpoint too (runbook: \"Change a job\")"));
    }
    if (newCheckpoint) {
      refusals.add(new Refusal(w.name(), "checkpoint", "a fresh checkpoint writing into " + r.table()
          + " would overwrite complete buckets with partial ones and skip batches its ledger lists; a new checkpoint needs a new table too"));
    }
    for (String change : bound) {
      refusals.add(new Refusal(w.name(), change.substring(0, change.indexOf(':')), NEW_CHECKPOINT + " (" + change + ")"));
    }
    if (all.isEmpty()) return new JobPlan(w.name(), Action.KEEP, List.of(), "unchanged, not touched");
    return new JobPlan(w.name(), Action.RESTART, all, "restarts alone from its checkpoint (a stopped job stays stopped)");
  }

  /** Options that say which stream the positions are in, for the built-in source and the AWS connector alike. */
  private static boolean locatesTheStream(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith("region") || k.endsWith("endpointurl") || k.endsWith("streamname") || k.endsWith("streamarn");
  }

  private static List<Refusal> driverWide(ConvoyConfig r, ConvoyConfig w) {
    List<Refusal> out = new ArrayList<>();
    for (String key : new TreeSet<>(union(r.spark().keySet(), w.spark().keySet()))) {
      if (!Objects.equals(r.spark().get(key), w.spark().get(key))) out.add(new Refusal(null, "spark." + key, STEP_RESTART));
    }
    if (!r.redshift().url().equals(w.redshift().url())) out.add(new Refusal(null, "redshift.url", STEP_RESTART));
    if (!r.redshift().credentials().equals(w.redshift().credentials())) out.add(new Refusal(null, "redshift.credentials", STEP_RESTART));
    if (!r.warehouse().outageLimit().equals(w.warehouse().outageLimit())) out.add(new Refusal(null, "redshift.outageLimit", STEP_RESTART));
    if (!r.warehouse().ledgerRetention().equals(w.warehouse().ledgerRetention())) {
      out.add(new Refusal(null, "redshift.ledgerRetention", STEP_RESTART));
    }
    if (!r.control().equals(w.control())) out.add(new Refusal(null, "control", STEP_RESTART));
    if (r.maxConcurrentBatches() != w.maxConcurrentBatches()) out.add(new Refusal(null, "maxConcurrentBatches", STEP_RESTART));
    return out;
  }

  private static <T> void diff(List<String> into, String field, JobConfig r, JobConfig w, Function<JobConfig, T> get) {
    T a = get.apply(r);
    T b = get.apply(w);
    if (!Objects.equals(a, b)) into.add(field + ": " + show(a) + " -> " + show(b));
  }

  private static String show(Object v) {
    if (v == null) return "(unset)";
    if (v instanceof java.util.Optional<?> o) return o.map(Object::toString).orElse("(none)");
    if (v instanceof Duration d) return Durations.format(d);
    return v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v.toString();
  }

  private static <T> java.util.Set<T> union(java.util.Set<T> a, java.util.Set<T> b) {
    java.util.Set<T> all = new java.util.LinkedHashSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Map<String, JobConfig> byName(List<JobConfig> jobs) {
    Map<String, JobConfig> m = new LinkedHashMap<>();
    jobs.forEach(j -> m.put(j.name(), j));
    return m;
  }
}

package dev.convoy.plan;

import java.util.List;

/**
 * What applying a configuration does: one line per job, in the new file's order (removed jobs last),
 * the driver's {@code maxConcurrentJobs} before and after, and the changes refused. A plan with a
 * refusal is applied not at all.
 */
public record Plan(List<JobPlan> jobs, int maxConcurrentJobsBefore, int maxConcurrentJobsAfter, List<Refusal> refusals) {

  public enum Action {
    /** A new job: starts, PENDING while every slot is taken. */
    ADD,
    /** Gone from the file: stops; its checkpoint and table stay. */
    REMOVE,
    /** Safe changes only (trigger, weight, restart policy, read limits): restarts alone from its checkpoint. */
    RESTART,
    /** A new checkpoint into a new table: starts afresh there; the old ones stay. */
    RESET,
    /** Nothing changed: not touched. */
    KEEP
  }

  /** @param changes each changed field as {@code field: before -> after} */
  public record JobPlan(String job, Action action, List<String> changes, String note) {
    public JobPlan {
      changes = List.copyOf(changes);
    }
  }

  /** @param job the job, or null for a driver-wide setting */
  public record Refusal(String job, String field, String reason) {
    @Override
    public String toString() {
      return (job == null ? "" : "job '" + job + "' ") + "field '" + field + "': " + reason;
    }
  }

  public Plan {
    jobs = List.copyOf(jobs);
    refusals = List.copyOf(refusals);
  }

  public boolean refused() {
    return !refusals.isEmpty();
  }

  public long count(Action action) {
    return jobs.stream().filter(j -> j.action() == action).count();
  }

  /** Whether applying it would change anything at all. */
  public boolean changesNothing() {
    return count(Action.KEEP) == jobs.size() && maxConcurrentJobsBefore == maxConcurrentJobsAfter;
  }

  /** The plan as on-call reads it: a line per job, then the refusals. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (JobPlan j : jobs) {
      String mark = switch (j.action()) {
        case ADD -> "+ add    ";
        case REMOVE -> "- remove ";
        case RESTART -> "~ restart";
        case RESET -> "! reset  ";
        case KEEP -> "  keep   ";
      };
      out.append(String.format("  %s %-20s %s%n", mark, j.job(), j.note()));
      for (String c : j.changes()) out.append(String.format("              %-20s   %s%n", "", c));
    }
    if (maxConcurrentJobsBefore != maxConcurrentJobsAfter) {
      out.append(String.format("  ~ maxConcurrentJobs %d -> %d (live; running jobs keep running)%n", maxConcurrentJobsBefore, maxConcurrentJobsAfter));
    }
    out.append(String.format("  %d to add, %d to remove, %d to restart, %d to reset, %d unchanged%n", count(Action.ADD), count(Action.REMOVE),
        count(Action.RESTART), count(Action.RESET), count(Action.KEEP)));
    for (Refusal r : refusals) out.append("  refused: ").append(r).append(System.lineSeparator());
    return out.toString();
  }
}

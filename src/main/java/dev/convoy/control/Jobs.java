package dev.convoy.control;

import java.util.List;
import java.util.Map;

/**
 * What the control endpoint needs of a driver, and all it knows of one: the jobs' status and history,
 * and the three on-call actions. {@code dev.convoy.run.Driver} implements it; an unknown name throws
 * {@link java.util.NoSuchElementException} with the names there are.
 */
public interface Jobs {
  List<JobStatus> status();

  JobStatus status(String name);

  JobStatus stop(String name);

  JobStatus start(String name);

  JobStatus restart(String name);

  /** No job has spent its restart budget. */
  boolean healthy();

  /** Each job's batches over the last 30 minutes: {@code [epochMs, batchMs, lagMs]}, oldest first. */
  Map<String, List<long[]>> history();
}

package dev.convoy.run;

/** Where a job is in its life. {@code FAILED} means its restart budget ran out: page someone. */
public enum JobState {
  /** Waiting for one of the {@code maxConcurrentJobs} slots. */
  PENDING,
  STARTING,
  RUNNING,
  /** Its query failed; waiting out the backoff before starting it again from its checkpoint. */
  RESTARTING,
  /** Stopped on request (control endpoint or shutdown). */
  STOPPED,
  FAILED
}

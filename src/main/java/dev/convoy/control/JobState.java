package dev.convoy.control;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a job is in its life, and the only moves between states ({@link #canBecome}); {@link JobRunner}
 * refuses any other. {@code FAILED} means its restart budget ran out: page someone.
 *
 * <pre>
 *   STOPPED, FAILED ──start──► PENDING ──slot──► STARTING ──► RUNNING
 *                                 │                 │  ▲          │
 *                                 │                 ▼  │ backoff  ▼ query failed
 *                                 │              RESTARTING ◄─────┘
 *                                 │        (budget spent from STARTING or RUNNING: FAILED)
 *   every state but FAILED ──stop──► STOPPED
 * </pre>
 */
public enum JobState {
  /** Waiting for one of the {@code maxConcurrentJobs} slots. */
  PENDING,
  STARTING,
  RUNNING,
  /** Its query failed; waiting out the backoff before starting it again from its checkpoint. */
  RESTARTING,
  /** Stopped on request (control endpoint or shutdown). */
  STOPPED,
  FAILED;

  /** Whether a job in this state may move to {@code next}. */
  public boolean canBecome(JobState next) {
    return next(this).contains(next);
  }

  private static Set<JobState> next(JobState from) {
    return switch (from) {
      case STOPPED -> EnumSet.of(PENDING, STOPPED);
      case PENDING -> EnumSet.of(STARTING, STOPPED);
      case STARTING -> EnumSet.of(RUNNING, RESTARTING, FAILED, STOPPED);
      case RUNNING -> EnumSet.of(RESTARTING, FAILED, STOPPED);
      case RESTARTING -> EnumSet.of(STARTING, STOPPED);
      // A stop leaves a failed job FAILED (on-call must see it); only a start moves it on.
      case FAILED -> EnumSet.of(PENDING);
    };
  }
}

package dev.convoy.run;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a job's query finish the batch it is writing before a stop. Spark's {@code stop()} interrupts
 * whatever runs, tasks committing state and checkpoint renames included: exactly-once survives that,
 * but each interrupt prints a stack trace. So a stop first closes the door: the batch in flight
 * finishes, the next one waits at the door, and only then is the query stopped.
 */
final class BatchDoor {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean closed;
  private boolean inside;
  private boolean waiting;

  /** Before the query starts. */
  void open() {
    lock.lock();
    try {
      closed = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A batch comes in: waits while the door is closed (until the stop interrupts it). */
  void enter() throws InterruptedException {
    lock.lock();
    try {
      while (closed) {
        waiting = true;
        changed.signalAll();
        try {
          changed.await();
        } finally {
          waiting = false;
        }
      }
      inside = true;
    } finally {
      lock.unlock();
    }
  }

  void leave() {
    lock.lock();
    try {
      inside = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the door and waits up to {@code timeout} for the batch inside to leave; false if it did not. */
  boolean close(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      closed = true;
      long left = timeout.toNanos();
      while (inside && left > 0) left = changed.awaitNanos(left);
      return !inside;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the next batch is waiting at the closed door: nothing of it has run but its planning. */
  boolean batchWaiting() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} for {@code idle} or a batch at the door, checking every few ms. */
  boolean awaitQuiet(Duration timeout, java.util.function.BooleanSupplier idle) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!waiting && !idle.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}

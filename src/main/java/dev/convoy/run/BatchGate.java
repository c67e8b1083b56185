package dev.convoy.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admits each job's batch to the cluster, at most {@code slots} at once, in an order that is fair
 * across jobs and blind to their names. Spark's FAIR scheduler breaks ties between idle pools by pool
 * name, so under overload the same jobs always won; here a batch waits its turn instead.
 *
 * <p>Stride scheduling: each job carries a pass; a waiting batch is admitted lowest pass first, ties in
 * arrival order, and admission advances the job's pass by {@code STRIDE / weight}. Jobs of equal weight
 * take turns; a job of weight 2 gets two turns to their one. A job that was idle rejoins with at most
 * one turn saved up. Blocking uses a lock and a condition, never {@code synchronized}: callers may be
 * virtual threads on Java 21.
 */
final class BatchGate {

  private static final long STRIDE = 1L << 20;

  /** One admitted batch; closing it frees its slot. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private record Waiter(String job, long pass, long arrival, Instant since) {}

  private final int slots;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  /** Every change wakes every waiter to look again: a single signal can reach a waiter that is no longer first. */
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Waiter> waiting =
      new PriorityQueue<>(Comparator.comparingLong(Waiter::pass).thenComparingLong(Waiter::arrival));
  private final Map<String, Long> passes = new HashMap<>();
  private final Map<String, Instant> lastAdmitted = new HashMap<>();
  private long currentPass;
  private long arrivals;
  private int running;

  BatchGate(int slots, Clock clock) {
    if (slots < 1) throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    this.slots = slots;
    this.clock = clock;
  }

  int slots() {
    return slots;
  }

  /** Waits until {@code job}'s batch may use the cluster. */
  Permit admit(String job, int weight) throws InterruptedException {
    if (weight < 1) throw new IllegalArgumentException("weight must be >= 1, got " + weight);
    lock.lock();
    try {
      // A job keeps its place across the pause between its batches, but an idle job saves up at most
      // one turn: it rejoins no further back than one full stride behind the jobs that kept running.
      long pass = Math.max(currentPass - STRIDE, passes.getOrDefault(job, Long.MIN_VALUE));
      Waiter me = new Waiter(job, pass, arrivals++, clock.instant());
      waiting.add(me);
      try {
        while (running >= slots || waiting.peek() != me) changed.await();
      } catch (InterruptedException e) {
        waiting.remove(me);
        wakeNext();
        throw e;
      }
      waiting.poll();
      running++;
      currentPass = Math.max(currentPass, pass);
      passes.put(job, pass + STRIDE / weight);
      lastAdmitted.put(job, clock.instant());
      wakeNext();
      return this::release;
    } finally {
      lock.unlock();
    }
  }

  private void release() {
    lock.lock();
    try {
      running--;
      wakeNext();
    } finally {
      lock.unlock();
    }
  }

  private void wakeNext() {
    if (!waiting.isEmpty() && running < slots) changed.signalAll();
  }

  /** Since when {@code job}'s batch has been waiting for the cluster, if it is. */
  Optional<Instant> waitingSince(String job) {
    lock.lock();
    try {
      return waiting.stream().filter(w -> w.job().equals(job)).map(Waiter::since).findFirst();
    } finally {
      lock.unlock();
    }
  }

  /** When {@code job}'s last batch was admitted, if ever. */
  Optional<Instant> lastAdmitted(String job) {
    lock.lock();
    try {
      return Optional.ofNullable(lastAdmitted.get(job));
    } finally {
      lock.unlock();
    }
  }

  /** How long {@code job}'s batch has waited so far (zero when it is not waiting). */
  Duration waited(String job) {
    return waitingSince(job).map(s -> Duration.between(s, clock.instant())).orElse(Duration.ZERO);
  }
}

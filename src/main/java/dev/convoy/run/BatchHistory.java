package dev.convoy.run;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each job's recent batches, for the status page's sparklines: batch duration and source lag over the
 * last {@link #WINDOW}. At most one point per {@link #STEP} per job (the larger values win), so a job
 * with a fast trigger costs no more memory than a slow one: 360 points a job at most.
 */
final class BatchHistory {

  static final Duration WINDOW = Duration.ofMinutes(30);
  static final Duration STEP = Duration.ofSeconds(5);

  /** One point: when (epoch ms), the batch's duration and the source's lag then, in ms. */
  record Point(long at, long batchMs, long lagMs) {}

  private final Map<String, Deque<Point>> jobs = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();

  void add(String job, long at, long batchMs, long lagMs) {
    lock.lock();
    try {
      Deque<Point> points = jobs.computeIfAbsent(job, k -> new ArrayDeque<>());
      Point last = points.peekLast();
      if (last != null && at - last.at() < STEP.toMillis()) {
        points.pollLast();
        points.addLast(new Point(last.at(), Math.max(last.batchMs(), batchMs), Math.max(last.lagMs(), lagMs)));
      } else {
        points.addLast(new Point(at, batchMs, lagMs));
      }
      while (!points.isEmpty() && points.peekFirst().at() < at - WINDOW.toMillis()) points.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  void forget(String job) {
    jobs.remove(job);
  }

  /** Each job's points within the window before {@code now}, oldest first. */
  Map<String, List<Point>> since(long now) {
    lock.lock();
    try {
      Map<String, List<Point>> out = new LinkedHashMap<>();
      jobs.forEach((job, points) -> out.put(job, points.stream().filter(p -> p.at() >= now - WINDOW.toMillis()).toList()));
      return out;
    } finally {
      lock.unlock();
    }
  }
}

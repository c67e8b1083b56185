package dev.convoy.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The interval a job's query runs at: its trigger, give or take up to 1 %, chosen from the job's name.
 * Spark starts a batch at each multiple of the interval since the epoch, so jobs of one trigger would
 * all start theirs at the same instant: at 100 jobs × 10 s the driver planned 100 batches at once,
 * which then queued for the executors for seconds (docs/benchmarks.md, "Jobs of one trigger start
 * apart"). With intervals a few milliseconds apart the jobs' starts fall across the whole trigger, and
 * drift, instead of meeting every time.
 */
public final class TriggerSpread {

  /** Each side of the trigger, as a share of it: a 10 s trigger runs at 9.9 to 10.1 s. */
  private static final int PER_SIDE_DIVISOR = 100;

  private TriggerSpread() {}

  /** The interval {@code job}'s query runs at, in milliseconds; the same for the same name and trigger. */
  public static long intervalMs(String job, Duration trigger) {
    long ms = trigger.toMillis();
    long side = ms / PER_SIDE_DIVISOR;
    if (side == 0) return ms;
    return ms + Math.floorMod(mix(job), 2 * side + 1) - side;
  }

  /** A name's FNV-1a hash through SplitMix64's finaliser: close names land far apart. */
  private static long mix(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}

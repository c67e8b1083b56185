package dev.convoy.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the rest of the machine used while a driver was measured: kinesis-local (its pid from the stack's
 * folder), this JVM (the load and the freshness poll) and the whole machine, sampled twice a second from
 * {@code /proc}. The driver shares the 2 vCPUs with them, so a run's start-up and triggers depend on them too.
 */
final class RigCpu implements AutoCloseable {

  private record Sample(long atMs, long emulatorTicks, long loadTicks, long machineTicks) {}

  private final Optional<Path> emulator;
  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final Thread sampler;

  RigCpu(Optional<Path> stackDir) {
    this.emulator = stackDir.flatMap(RigCpu::emulatorStat);
    this.sampler = Thread.ofVirtual().start(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          samples.add(new Sample(System.currentTimeMillis(), emulator.map(RigCpu::ticks).orElse(0L), ticks(Path.of("/proc/self/stat")),
              machineTicks()));
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Cores used from {@code fromMs} to {@code toMs} by the emulator, this JVM and the machine; nothing if not sampled. */
  void put(ObjectNode into, String name, long fromMs, long toMs) {
    Optional<Sample> a = samples.stream().filter(s -> s.atMs() <= fromMs).reduce((x, y) -> y);
    Optional<Sample> b = samples.stream().filter(s -> s.atMs() >= toMs).findFirst();
    if (a.isEmpty() || b.isEmpty()) return;
    double seconds = (b.get().atMs() - a.get().atMs()) / 1000.0;
    ObjectNode n = into.putObject(name);
    if (emulator.isPresent()) n.put("emulatorCores", cores(b.get().emulatorTicks() - a.get().emulatorTicks(), seconds));
    n.put("loadCores", cores(b.get().loadTicks() - a.get().loadTicks(), seconds));
    n.put("machineCores", cores(b.get().machineTicks() - a.get().machineTicks(), seconds));
  }

  private static double cores(long ticks, double seconds) {
    return Math.round(ticks / (double) ScaleBenchmark.CLOCK_TICKS / seconds * 100) / 100.0;
  }

  /** kinesis-local's {@code /proc/<pid>/stat}, from the pid file the local stack keeps; empty if it is not running. */
  static Optional<Path> emulatorStat(Path stackDir) {
    try {
      Path stat = Path.of("/proc", Files.readString(stackDir.resolve("kinesis/kinesis.pid")).strip(), "stat");
      return Files.isReadable(stat) ? Optional.of(stat) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** utime + stime of a process; its name, in parentheses, may hold spaces, so fields count from the last ')'. */
  static long ticks(Path stat) {
    try {
      String s = Files.readString(stat);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Busy ticks of all CPUs: everything in /proc/stat's first line but idle and iowait. */
  private static long machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
      return busy;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.convoy.run;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code maxConcurrentJobs} slots: a fair semaphore whose size changes live. Shrinking never stops
 * a running job; the jobs waiting for a slot wait until enough running ones have stopped.
 */
final class Slots extends Semaphore {

  private final ReentrantLock resizing = new ReentrantLock();
  private int size;

  Slots(int size) {
    super(size, true);
    if (size < 1) throw new IllegalArgumentException("maxConcurrentJobs must be >= 1, got " + size);
    this.size = size;
  }

  int size() {
    resizing.lock();
    try {
      return size;
    } finally {
      resizing.unlock();
    }
  }

  void resize(int next) {
    if (next < 1) throw new IllegalArgumentException("maxConcurrentJobs must be >= 1, got " + next);
    resizing.lock();
    try {
      if (next > size) release(next - size);
      else if (next < size) reducePermits(size - next); // may go negative: slots are taken back as jobs stop
      size = next;
    } finally {
      resizing.unlock();
    }
  }
}

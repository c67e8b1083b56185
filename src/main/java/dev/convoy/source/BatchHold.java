package dev.convoy.source;

import java.util.concurrent.Callable;

/**
 * What a source waits for before it reads its query's next batch: the driver holds a job's later
 * batches while other jobs still have to run their first (start-up order). Spark creates a source by
 * reflection, with string options only; the one path from the driver's job to it is the query's thread,
 * which the thread that starts the query creates, and which inherits the hold set around {@link #during}.
 */
@FunctionalInterface
public interface BatchHold {

  BatchHold NONE = () -> {};

  /** Returns when the query may read its next batch; throws if the query is stopped meanwhile. */
  void await() throws InterruptedException;

  /** Calls {@code start} with {@code hold} inherited by the threads it creates: Spark's query thread among them. */
  static <T> T during(BatchHold hold, Callable<T> start) throws Exception {
    InheritedHold.VALUE.set(hold);
    try {
      return start.call();
    } finally {
      InheritedHold.VALUE.remove();
    }
  }

  /** The hold of the query that runs on this thread; {@link #NONE} on any other thread. */
  static BatchHold current() {
    BatchHold hold = InheritedHold.VALUE.get();
    return hold == null ? NONE : hold;
  }
}

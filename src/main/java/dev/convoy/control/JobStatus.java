package dev.convoy.control;

import dev.convoy.sink.SinkMetrics;

/**
 * What {@code GET /jobs} shows for one job. Rates are rows per second of the last batch; {@code sourceLagMs}
 * is the source's largest millisBehindLatest. Counts are since this driver started: {@code lateEvents}
 * is the events dropped behind the watermark, one per event; {@code lateRowsDropped} is Spark's own
 * {@code numRowsDroppedByWatermark}, rows after partial aggregation (a cross-check: non-zero only when
 * {@code lateEvents} is); {@code deadLetters} were committed to the job's dead-letter table. While the
 * warehouse is away, {@code waitingFor} says why the current batch waits and {@code waitingSince} since when
 * (ISO-8601, UTC); both are null otherwise. {@code clusterWaitMs} is how long the job's current batch has
 * waited for its turn on the executors, or at the driver's start behind the other jobs' first batches
 * (0 when it is not waiting), and {@code lastBatchAgeMs} how long ago its last batch got its turn (-1
 * before the first): a starved job shows both growing. {@code sink} is
 * what the job's warehouse writes did since this driver started.
 */
public record JobStatus(String name, JobState state, String pool, long lastBatchId, String lastBatchTime,
                        double inputRowsPerSecond, double processedRowsPerSecond, long batchDurationMs, String watermark,
                        long sourceLagMs, long lateEvents, long lateRowsDropped, long deadLetters, int restarts,
                        String lastError, long clusterWaitMs, long lastBatchAgeMs, String waitingFor, String waitingSince,
                        SinkMetrics.Snapshot sink) {}

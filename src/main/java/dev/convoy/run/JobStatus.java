package dev.convoy.run;

/**
 * What {@code GET /jobs} shows for one job. Rates are rows per second of the last batch; {@code sourceLagMs}
 * is the source's largest millisBehindLatest; {@code lateRowsDropped} is Spark's count of rows the
 * aggregation dropped behind the watermark since the driver started — counted after partial
 * aggregation, so at least one per late bucket and partition and at most the number of late events; {@code deadLetters} were written to the dead-letter table by this driver.
 */
public record JobStatus(String name, JobState state, String pool, long lastBatchId, String lastBatchTime,
                        double inputRowsPerSecond, double processedRowsPerSecond, long batchDurationMs, String watermark,
                        long sourceLagMs, long lateRowsDropped, long deadLetters, int restarts, String lastError) {}

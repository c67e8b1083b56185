/**
 * The driver: one SparkSession (FAIR scheduling), one query per job started from a virtual thread,
 * at most {@code maxConcurrentJobs} at once (a fair semaphore), each in its own scheduler pool, each
 * supervised on its own (restart from its checkpoint with backoff, up to a budget). Their batches take
 * turns on the executors through a {@link dev.convoy.run.BatchGate}: fair, weighted, blind to names;
 * at start, every job's first batch runs before any job's next ({@link dev.convoy.run.StartupOrder}).
 * Each query runs within 1 % of its trigger, at an interval of its own ({@link dev.convoy.run.TriggerSpread}),
 * so jobs of one trigger do not all start a batch at the same instant.
 */
package dev.convoy.run;

/**
 * The driver: one SparkSession (FAIR scheduling), one query per job started from a virtual thread,
 * at most {@code maxConcurrentJobs} at once (a fair semaphore), each in its own scheduler pool, each
 * supervised on its own (restart from its checkpoint with backoff, up to a budget).
 */
package dev.convoy.run;

/**
 * Writing to Redshift exactly, one job's tables at a time: per micro-batch, one transaction stages the
 * batch's rows and dead letters in temp tables, MERGEs them into the target and its dead-letter table
 * and records the batch id in the target's own ledger, so a replayed batch changes nothing and no two
 * jobs' transactions share a table ({@link dev.convoy.sink.UpsertSink}). Also table management
 * ({@link dev.convoy.sink.Tables}), Redshift's value rules ({@link dev.convoy.sink.Values}) and error
 * vocabulary ({@link dev.convoy.sink.Failure}), connections and credentials, and per-job write metrics.
 * Runs the same SQL on Redshift and PostgreSQL 15.
 */
package dev.convoy.sink;

/**
 * Writing to Redshift exactly: per micro-batch, one transaction stages the batch's rows in a temp
 * table, MERGEs them into the target and records (job, table, batch id) in a ledger, so a replayed
 * batch changes nothing ({@link dev.convoy.sink.UpsertSink}). Also table management and
 * validation ({@link dev.convoy.sink.Tables}), connections and credentials, transient-error retries,
 * dead letters and per-job write metrics. Runs the same SQL on Redshift and PostgreSQL 15.
 */
package dev.convoy.sink;

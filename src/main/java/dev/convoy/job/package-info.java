/**
 * The typed job API: a {@link dev.convoy.job.Job} is a source, a decode stage, a transform and a sink,
 * plus how it runs. Configured jobs ({@link dev.convoy.app.ConfiguredJobs}) are built from the same
 * parts; a job whose business rules need code supplies its own transform or sink.
 */
package dev.convoy.job;

/**
 * Which Kinesis source a job reads with ({@code auto}, {@code aws-kinesis} or {@code builtin}) and the
 * mapping of one set of job options onto either source's option names. Both give the same schema.
 * {@link dev.convoy.source.BatchHold} is what a source waits for before it reads a batch (the driver's
 * start-up order); Convoy's own source honours it.
 */
package dev.convoy.source;

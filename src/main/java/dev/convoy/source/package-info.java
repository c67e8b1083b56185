/**
 * Which Kinesis source a job reads with ({@code auto}, {@code aws-kinesis} or {@code builtin}) and the
 * mapping of one set of job options onto either source's option names. Both give the same schema.
 */
package dev.convoy.source;

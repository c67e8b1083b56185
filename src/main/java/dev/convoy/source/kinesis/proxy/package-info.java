/**
 * The one narrow seam between Convoy and the Kinesis API ({@link dev.convoy.source.kinesis.proxy.StreamProxy}),
 * with the AWS SDK v2 implementation and how to reach an endpoint. Throttling, retries and error
 * translation live here, so callers are tested against the real local stack or a thin fault-injecting
 * wrapper of it.
 */
package dev.convoy.source.kinesis.proxy;

/**
 * How long to wait before trying again: one exponential backoff for every retry in Convoy (Kinesis
 * calls, warehouse transactions, the producer, query restarts). A leaf: it depends on nothing of Convoy's.
 */
package dev.convoy.backoff;

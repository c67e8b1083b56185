/**
 * Command-line tools beside the driver: the synthetic event producer ({@code bin/convoy produce})
 * and what it reports. Each tool is a small public entry point over classes tested on their own.
 */
package dev.convoy.tools;
